// Whether a text is in the language it should be, by the detector translations use (tinyld):
// wrong only when another language clearly wins.
import { LRUCache } from "lru-cache";
import { detectAll as detectAllUncached } from "tinyld";
import { MIN_DETECTABLE_LETTERS } from "../input/detect-language.js";

// A listing is compared with each of its outputs (every target language, every re-ask).
const recent = new LRUCache<string, ReturnType<typeof detectAllUncached>>({ max: 1000 });

function detectAll(text: string): ReturnType<typeof detectAllUncached> {
  let candidates = recent.get(text);
  if (!candidates) {
    candidates = detectAllUncached(text);
    recent.set(text, candidates);
  }
  return candidates;
}

/** Languages a detector cannot reliably tell apart. */
const SAME_LANGUAGE: readonly (readonly string[])[] = [
  ["ms", "id"],
  ["no", "nb", "nn", "da"],
  ["hr", "sr", "bs"],
];

export function sameLanguage(a: string, b: string): boolean {
  return a === b || SAME_LANGUAGE.some((group) => group.includes(a) && group.includes(b));
}

/**
 * The detected language when it is clearly none of `expected` (the first is named in
 * reasons); undefined when it matches or the text is too short to tell.
 */
export function wrongLanguage(text: string, expected: readonly string[]): string | undefined {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters < MIN_DETECTABLE_LETTERS || expected.length === 0) return undefined;
  const candidates = detectAll(text);
  const top = candidates[0];
  if (!top || expected.some((e) => sameLanguage(top.lang, e))) return undefined;
  const runnerUp = candidates
    .slice(0, 3)
    .find((c) => expected.some((e) => sameLanguage(c.lang, e)));
  if (runnerUp && runnerUp.accuracy >= top.accuracy * 0.5) return undefined;
  return top.lang;
}

/** The languages a text plausibly is in: the detector's top and any close runner-up. */
export function plausibleLanguages(text: string): string[] {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters < MIN_DETECTABLE_LETTERS) return [];
  const candidates = detectAll(text);
  const top = candidates[0];
  if (!top) return [];
  return candidates
    .slice(0, 3)
    .filter((c) => c.accuracy >= top.accuracy * 0.5)
    .map((c) => c.lang);
}
