// The fact lexicons: data, one JSON file per language (lexicons/*.json), compiled here once each.
// A pattern is a regular expression over words; a space in it matches any run of whitespace.
import de from "./lexicons/de.json" with { type: "json" };
import en from "./lexicons/en.json" with { type: "json" };
import es from "./lexicons/es.json" with { type: "json" };
import fr from "./lexicons/fr.json" with { type: "json" };
import { FACT_KINDS, FACT_VALUES, type FactKind } from "./fact-kinds.js";

interface LexiconFile {
  readonly language: string;
  readonly negation: {
    readonly cues: readonly string[];
    readonly pseudo: readonly string[];
    readonly before: number;
    readonly after: number;
    readonly breaks: readonly string[];
    /** Words that turn a sentence around ("but"): a pattern's word gap never crosses one. */
    readonly contrast: readonly string[];
    /** Cues that negate what comes before them ("Katzen … nicht"); "ohne" never does. */
    readonly afterCues?: readonly string[];
  };
  readonly modality: {
    readonly cues: readonly string[];
    readonly before: number;
    readonly after: number;
    readonly kinds: readonly string[];
  };
  readonly facts: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Phrases that state each fact (kind:value), for the fake model and the lexicon's tests. */
  readonly render: Readonly<Record<string, readonly string[]>>;
  /** Words that name one trait, grouped under an English label shared by every language. */
  readonly traits: Readonly<Record<string, readonly string[]>>;
}

export interface FactPattern {
  readonly kind: FactKind;
  readonly value: string;
  /** Global; the word boundary before a match is checked by wholeWordMatches. */
  readonly regex: RegExp;
  /** Matches wherever `regex` could (and more), cheap to compile: a text it misses is skipped. */
  readonly finder: RegExp;
  /** The pattern spells out a negation itself ("no cats"): one inside its match is its own. */
  readonly negationInPattern: boolean;
}

export interface CompiledLexicon {
  readonly language: string;
  readonly patterns: readonly FactPattern[];
  readonly negationCue: RegExp;
  readonly negationAfterCue: RegExp;
  readonly pseudoNegation: RegExp;
  readonly clauseBreak: RegExp;
  readonly negationBefore: number;
  readonly negationAfter: number;
  readonly modalityCue: RegExp;
  readonly modalityBefore: number;
  readonly modalityAfter: number;
  readonly modalKinds: ReadonlySet<string>;
  readonly render: Readonly<Record<string, readonly string[]>>;
}

const FILES: readonly LexiconFile[] = [en, de, es, fr];

const L = "\\p{L}\\p{N}";

/**
 * Whole words: no letter or digit may touch the match on either side. A word gap (`\S+` in the
 * data) is one word, with at most a trailing comma, that is not a contrast word.
 */
function wordsRegex(
  sources: readonly string[],
  flags = "giu",
  contrast: readonly string[] = [],
): RegExp {
  return new RegExp(`(?<![${L}])${wordsThenBoundary(sources, contrast)}`, flags);
}

/** The words and the boundary after them; the one before is the caller's (whole-word-matches.ts). */
function wordsThenBoundary(sources: readonly string[], contrast: readonly string[]): string {
  const notContrast = contrast.length > 0 ? `(?!(?:${contrast.join("|")})(?![${L}]))` : "";
  const gap = `${notContrast}[^\\s,;:.!?()]+,?`;
  const body = sources
    .map((s) => s.replace(/\\w/g, `[${L}]`).replace(/\\S\+/g, gap).replace(/ /g, "\\s+"))
    .join("|");
  return `(?:${body})(?![${L}])`;
}

/**
 * A pattern that matches at least wherever wordsThenBoundary's does: the letter classes
 * ([\p{L}\p{N}], \w, \p{…}) widened to any non-space, the contrast lookahead and the closing
 * boundary left out. V8 compiles each letter class into a table of Unicode ranges, case
 * closure included — about a millisecond per pattern on its first run, a quarter of a second
 * per language before the first answer is checked (CPU profile of issue 15's short-latency
 * run). A finder has none, and most patterns find nothing in a given listing, so a full
 * pattern is compiled when a text first comes near it, spread over the run.
 */
function finderRegex(source: string): RegExp {
  const widened = source
    .replace(/\\w|\\p\{[A-Za-z_]+\}/g, "[^\\s]")
    .replace(/\\S\+/g, "[^\\s,;:.!?()]+,?")
    .replace(/ /g, "\\s+");
  return new RegExp(widened, "iu");
}

/** Negation cues; "n't" and "n'" hang on a word, so they need no boundary before them. */
function cueRegex(cues: readonly string[]): RegExp {
  const bound = cues.filter((c) => !c.startsWith("n['’]"));
  const suffix = cues.filter((c) => c.startsWith("n['’]"));
  const parts = [`(?<![${L}])(?:${bound.join("|")})(?![${L}])`];
  if (suffix.length > 0) parts.push(`(?:${suffix.join("|")})`);
  return new RegExp(parts.join("|"), "iu");
}

function compile(file: LexiconFile): CompiledLexicon {
  const negationCue = cueRegex(file.negation.cues);
  const patterns: FactPattern[] = [];
  for (const kind of FACT_KINDS) {
    const byValue = file.facts[kind] ?? {};
    for (const value of FACT_VALUES[kind] as readonly string[]) {
      for (const source of byValue[value] ?? []) {
        patterns.push({
          kind,
          value,
          regex: new RegExp(wordsThenBoundary([source], file.negation.contrast), "giu"),
          finder: finderRegex(source),
          negationInPattern: negationCue.test(source.replace(/\\[a-z]/gi, " ")),
        });
      }
    }
  }
  return {
    language: file.language,
    patterns,
    negationCue,
    negationAfterCue: file.negation.afterCues ? cueRegex(file.negation.afterCues) : negationCue,
    pseudoNegation: wordsRegex(file.negation.pseudo.length > 0 ? file.negation.pseudo : ["$^"]),
    clauseBreak: wordsRegex(file.negation.breaks),
    negationBefore: file.negation.before,
    negationAfter: file.negation.after,
    modalityCue: new RegExp(wordsRegex(file.modality.cues).source, "iu"),
    modalityBefore: file.modality.before,
    modalityAfter: file.modality.after,
    modalKinds: new Set(file.modality.kinds),
    render: file.render,
  };
}

// Compiled on first use: ~75 ms for all four, and a run reads one or two of them, after its
// first answers are in rather than before its first call.
const FILE_BY_LANGUAGE: ReadonlyMap<string, LexiconFile> = new Map(
  FILES.map((file) => [file.language, file]),
);
const compiled = new Map<string, CompiledLexicon>();

/** Every language's words for each trait, merged: a trait may be named in any of them. */
export const TRAIT_SYNONYMS: readonly (readonly string[])[] = (() => {
  const groups = new Map<string, string[]>();
  for (const file of FILES) {
    for (const [label, words] of Object.entries(file.traits)) {
      groups.set(label, [...(groups.get(label) ?? [label]), ...words]);
    }
  }
  return [...groups.values()].map((words) => [...new Set(words.map((w) => w.toLowerCase()))]);
})();

/** Languages with a fact lexicon. */
export const FACT_LANGUAGES: readonly string[] = [...FILE_BY_LANGUAGE.keys()];

export function lexiconFor(language: string): CompiledLexicon | undefined {
  let lexicon = compiled.get(language);
  if (lexicon === undefined) {
    const file = FILE_BY_LANGUAGE.get(language);
    if (file === undefined) return undefined;
    lexicon = compile(file);
    compiled.set(language, lexicon);
  }
  return lexicon;
}

/**
 * The lexicons to read a listing in `language` with: its own, plus English, which listings in
 * other languages mix in (Malay-English above all). Empty when neither exists.
 */
export function sourceLexiconLanguages(language: string | undefined): string[] {
  return [...new Set([language ?? "en", "en"])].filter((l) => FILE_BY_LANGUAGE.has(l));
}
