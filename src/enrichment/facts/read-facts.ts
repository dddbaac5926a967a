// Reads the adoption-critical facts of a text: lexicon patterns per sentence, each match turned
// around by a negation in its clause ("not good with cats") and dropped when it only states a
// plan or a requirement ("must be vaccinated"). Deterministic and pure.
import { LRUCache } from "lru-cache";
import { factKey, flippedValue, type Fact, type FactKind } from "./fact-kinds.js";
import { lexiconFor, type CompiledLexicon } from "./lexicon.js";
import { splitSentences, type Sentence } from "./sentences.js";
import { wholeWordMatches } from "../whole-word-matches.js";

/** Punctuation that ends a clause inside a sentence (a hyphen only with spaces around it). */
const CLAUSE_PUNCTUATION = /[,;:()[\]!?]|\s[-–—]\s|\.\s/gu;
const WORD = /[\p{L}\p{N}'’]+/gu;

interface Match {
  readonly kind: FactKind;
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly negationInPattern: boolean;
}

// The same source is read for every output compared with it (each target language, each
// re-ask): remember recent readings. Facts are immutable, so sharing them is safe.
const recent = new LRUCache<string, readonly Fact[]>({ max: 2000 });

/** Every fact `text` states, in the order they appear; `languages` picks the lexicons. */
export function readFacts(text: string, languages: readonly string[]): Fact[] {
  const key = `${languages.join(",")}\u0000${text}`;
  const known = recent.get(key);
  if (known) return [...known];
  const facts = readFactsUncached(text, languages);
  recent.set(key, facts);
  return [...facts];
}

function readFactsUncached(text: string, languages: readonly string[]): Fact[] {
  const lexicons = languages
    .map((l) => lexiconFor(l))
    .filter((l): l is CompiledLexicon => l !== undefined);
  if (lexicons.length === 0 || !/\p{L}/u.test(text)) return [];
  const sentences = splitSentences(text, lexicons[0]!.language);
  const facts: Fact[] = [];
  for (const lexicon of lexicons) facts.push(...factsOf(text, sentences, lexicon));
  return dedupe(facts).sort((a, b) => a.span.start - b.span.start);
}

/** Each pattern runs once over the whole text; a match must lie inside one sentence. */
function factsOf(text: string, sentences: readonly Sentence[], lexicon: CompiledLexicon): Fact[] {
  const bySentence = new Map<number, Match[]>();
  for (const pattern of lexicon.patterns) {
    if (!pattern.finder.test(text)) continue;
    for (const m of wholeWordMatches(pattern.regex, text)) {
      const at = sentenceAt(sentences, m.index);
      const sentence = sentences[at];
      if (!sentence || m.index + m[0].length > sentence.end) continue;
      const list = bySentence.get(at) ?? [];
      list.push({
        kind: pattern.kind,
        value: pattern.value,
        start: m.index - sentence.start,
        end: m.index + m[0].length - sentence.start,
        negationInPattern: pattern.negationInPattern,
      });
      bySentence.set(at, list);
    }
  }
  const facts: Fact[] = [];
  for (const [at, matches] of bySentence) {
    facts.push(...factsOfSentence(sentences[at]!, matches, lexicon));
  }
  return facts;
}

/** Index of the sentence holding `offset` (binary search), or -1. */
function sentenceAt(sentences: readonly Sentence[], offset: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid]!;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function factsOfSentence(
  sentence: Sentence,
  matches: readonly Match[],
  lexicon: CompiledLexicon,
): Fact[] {
  const facts: Fact[] = [];
  for (const match of longestPerKind(matches)) {
    const clause = clauseAround(sentence.text, match, lexicon);
    if (lexicon.modalKinds.has(match.kind) && isModal(sentence.text, clause, match, lexicon)) {
      continue;
    }
    const negated = isNegated(sentence.text, clause, match, lexicon);
    const value = negated ? negatedValue(match.kind, match.value) : match.value;
    if (value === undefined) continue;
    facts.push({
      kind: match.kind,
      value,
      key: factKey(match.kind, value),
      span: { start: sentence.start + match.start, end: sentence.start + match.end },
      matched: sentence.text.slice(match.start, match.end),
      sentence: sentence.text,
      sentenceSpan: { start: sentence.start, end: sentence.end },
      negated,
    });
  }
  return facts;
}

/**
 * Overlapping matches of one kind: a "selective" reading wins ("good with older children"),
 * else the longest says most ("not house trained" over "house trained").
 */
function longestPerKind(matches: readonly Match[]): Match[] {
  const selective = (m: Match): number => (m.value === "selective" ? 1 : 0);
  const sorted = [...matches].sort(
    (a, b) =>
      selective(b) - selective(a) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Match[] = [];
  for (const m of sorted) {
    if (kept.some((k) => k.kind === m.kind && k.start < m.end && m.start < k.end)) continue;
    kept.push(m);
  }
  return kept;
}

/**
 * Yes/no facts turn around; "selective" stays ("no children younger than 10" is a condition);
 * a negated energy, sex or age says nothing sure.
 */
function negatedValue(kind: FactKind, value: string): string | undefined {
  if (value === "selective") return value;
  if (value !== "yes" && value !== "no") return undefined;
  return flippedValue(kind, value);
}

interface Clause {
  readonly start: number;
  readonly end: number;
}

function clauseAround(text: string, match: Match, lexicon: CompiledLexicon): Clause {
  let start = 0;
  let end = text.length;
  for (const regex of [CLAUSE_PUNCTUATION, lexicon.clauseBreak]) {
    regex.lastIndex = 0;
    for (const m of text.matchAll(regex)) {
      const at = m.index;
      const stop = at + m[0].length;
      if (stop <= match.start && stop > start) start = stop;
      if (at >= match.end && at < end) end = at;
    }
  }
  return { start, end };
}

function wordsWindow(text: string, from: number, to: number, count: number, last: boolean): string {
  if (count <= 0 || to <= from) return "";
  const piece = text.slice(from, to);
  const words = [...piece.matchAll(WORD)];
  const chosen = last ? words.slice(-count) : words.slice(0, count);
  if (chosen.length === 0) return "";
  const first = chosen[0]!;
  const final = chosen[chosen.length - 1]!;
  return piece.slice(first.index, final.index + final[0].length);
}

function hasCue(window: string, cue: RegExp, pseudo: RegExp): boolean {
  if (window === "") return false;
  return cue.test(window.replace(pseudo, " "));
}

function isNegated(text: string, clause: Clause, match: Match, lexicon: CompiledLexicon): boolean {
  const cue = lexicon.negationCue;
  const pseudo = lexicon.pseudoNegation;
  const before = wordsWindow(text, clause.start, match.start, lexicon.negationBefore, true);
  const after = wordsWindow(text, match.end, clause.end, lexicon.negationAfter, false);
  const inside = match.negationInPattern ? "" : text.slice(match.start, match.end);
  return (
    hasCue(before, cue, pseudo) ||
    hasCue(after, lexicon.negationAfterCue, pseudo) ||
    hasCue(inside, cue, pseudo)
  );
}

function isModal(text: string, clause: Clause, match: Match, lexicon: CompiledLexicon): boolean {
  const none = /$^/u;
  const before = wordsWindow(text, clause.start, match.start, lexicon.modalityBefore, true);
  const after = wordsWindow(text, match.end, clause.end, lexicon.modalityAfter, false);
  return hasCue(before, lexicon.modalityCue, none) || hasCue(after, lexicon.modalityCue, none);
}

/** The same fact read twice from one span (by two lexicons) counts once. */
function dedupe(facts: readonly Fact[]): Fact[] {
  const seen = new Set<string>();
  return facts.filter((f) => {
    const id = `${f.key}@${f.span.start}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Whether the words at `start`–`end` of `sentence` stand inside a negation ("not shy"), by the
 * same clause and window rules facts are read with.
 */
export function negatedAt(sentence: string, start: number, end: number, language: string): boolean {
  const lexicon = lexiconFor(language) ?? lexiconFor("en")!;
  const match: Match = { kind: "fearful", value: "yes", start, end, negationInPattern: true };
  return isNegated(sentence, clauseAround(sentence, match, lexicon), match, lexicon);
}
