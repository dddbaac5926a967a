// Source language by detection (tinyld), never assumed to be English.
import { LRUCache } from "lru-cache";
import { detectAll } from "tinyld";

/** Below this many letters detection is a guess; callers get `undefined` instead. */
export const MIN_DETECTABLE_LETTERS = 30;

const MIN_CONFIDENCE = 0.1;

/**
 * What decides a detection: the detector's package version and our thresholds. A cache key
 * that stands in for a detected language (guarded-completion.ts) names it, so a new tinyld or
 * new thresholds ask afresh (test/enrichment/input/detect-language.test.ts checks the version).
 */
export const LANGUAGE_DETECTOR_ID = `tinyld@1.3.4 normal; letters>=${MIN_DETECTABLE_LETTERS}; accuracy>=${MIN_CONFIDENCE}`;

// Guards and prompts ask about the same texts again and again; detection is pure.
const recent = new LRUCache<string, { lang: string | undefined }>({ max: 2000 });

/** ISO 639-1 code of the text's language, or undefined when the text is too short or unclear. */
export function detectLanguage(text: string): string | undefined {
  const known = recent.get(text);
  if (known) return known.lang;
  const lang = detectUncached(text);
  recent.set(text, { lang });
  return lang;
}

function detectUncached(text: string): string | undefined {
  if (countLetters(text) < MIN_DETECTABLE_LETTERS) return undefined;
  const [top] = detectAll(text);
  // tinyld spreads low scores over many languages when unsure; that is no answer.
  return top && top.accuracy >= MIN_CONFIDENCE ? top.lang : undefined;
}

const LETTER = /\p{L}/u;

/** Letters up to MIN_DETECTABLE_LETTERS (enough to decide), without an array of matches. */
export function countLetters(text: string, enough = MIN_DETECTABLE_LETTERS): number {
  let letters = 0;
  for (const char of text) {
    if (LETTER.test(char) && ++letters >= enough) return letters;
  }
  return letters;
}
