// Meaning, not just form: the adoption-critical facts (facts/) of an output against its
// source. A cleaned description and a translation keep every one and add or flip none.
import { LRUCache } from "lru-cache";
import { compareFacts } from "../facts/compare-facts.js";
import { FACT_LANGUAGES, sourceLexiconLanguages } from "../facts/lexicon.js";
import { structuredFactKeys, type StructuredFactsInput } from "../facts/listing-facts.js";
import { readFacts } from "../facts/read-facts.js";
import { wholeWordMatches } from "../whole-word-matches.js";

export interface KeptFactsInput {
  readonly source: string;
  /** Detected language of the source (undefined: too short to tell; read as English). */
  readonly sourceLanguage: string | undefined;
  readonly output: string;
  /** Language the output is written in. */
  readonly outputLanguage: string | undefined;
  /** The listing's structured fields: facts an output may repeat. */
  readonly structured?: StructuredFactsInput;
  readonly outputName: string;
  /** The dog's names: "Stray No.1" or "Lady" say nothing about the dog's facts. */
  readonly names?: readonly string[];
  /** See FactComparisonInput.keepWarningSentences (cleaning: yes; translation: no). */
  readonly keepWarningSentences?: boolean;
}

export interface KeptFactsResult {
  readonly reasons: string[];
  /** "critical_facts_unchecked:pl" when no lexicon reads one side. */
  readonly flags: string[];
}

/** Every critical fact of the source kept, none added or flipped. */
export function keptCriticalFactReasons(input: KeptFactsInput): KeptFactsResult {
  const sourceLanguages = sourceLexiconLanguages(input.sourceLanguage);
  const outputLanguage = input.outputLanguage ?? input.sourceLanguage ?? "en";
  // A cleaned text in the listing's language is read with the listing's lexicons; another
  // language only with its own (English words left in a translation are no fact of it).
  const outputLanguages =
    outputLanguage === (input.sourceLanguage ?? "en")
      ? sourceLanguages
      : FACT_LANGUAGES.includes(outputLanguage)
        ? [outputLanguage]
        : [];
  if (sourceLanguages.length === 0 || outputLanguages.length === 0) {
    return { reasons: [], flags: [`critical_facts_unchecked:${outputLanguage}`] };
  }
  // A name may hold words of a fact ("Neutered Male Poodle") or a negation ("Stray No.1"):
  // facts are read with the names blanked, and what the names themselves say is allowed in
  // the output but never required — nor does a name excuse dropping what the narrative says
  // ("Shy Female Puppy" … "she is afraid of people" must keep the fear).
  const names = input.names ?? [];
  const nameKeys =
    names.length > 0 ? readFacts(names.join("\n"), sourceLanguages).map((f) => f.key) : [];
  const problems = compareFacts({
    source: readFacts(maskNames(input.source, names), sourceLanguages),
    sourceExtraKeys: [
      ...(input.structured ? structuredFactKeys(input.structured) : []),
      ...nameKeys,
    ],
    output: readFacts(maskNames(input.output, names), outputLanguages),
    mustKeepAll: true,
    keepWarningSentences: input.keepWarningSentences ?? false,
    outputName: input.outputName,
  });
  return { reasons: problems.map((p) => p.reason), flags: [] };
}

/**
 * Blanks each name (and each of its words) with one run of "x" as long as the name: offsets
 * stay, and a long name ("Big Mama Babies Tmn Sentosa Klang") counts as one word, so the word
 * gaps of a pattern around it ("mit Kindern ist … toll") read as they would around "Max".
 */
export function maskNames(text: string, names: readonly string[]): string {
  let out = text;
  for (const name of names) {
    for (const part of nameParts(name)) out = blankWhole(out, part);
  }
  return out;
}

function nameParts(name: string): string[] {
  const parts = [name, ...name.split(/[^\p{L}\p{N}.]+/u).filter((w) => w.length >= 2)];
  return parts.filter((p) => p.trim() !== "");
}

// Names repeat within an item (its source and every output are masked): each part's pattern
// is compiled once. Small, since a run meets a name again only in that item's next checks and
// compiled patterns are memory a 100,000-item run keeps.
const partPatterns = new LRUCache<string, RegExp>({ max: 256 });

/** `text` with each occurrence of `part` that is a whole word (case-insensitive) blanked. */
function blankWhole(text: string, part: string): string {
  let pattern = partPatterns.get(part);
  if (!pattern) {
    const escaped = part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // Both word boundaries are checked by wholeWordMatches: a new name costs no letter class.
    pattern = new RegExp(escaped, "giu");
    partPatterns.set(part, pattern);
  }
  let out = "";
  let copied = 0;
  for (const m of wholeWordMatches(pattern, text, { literal: true })) {
    out += text.slice(copied, m.index) + "x".repeat(m[0].length);
    copied = m.index + m[0].length;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
