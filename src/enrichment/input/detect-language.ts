// Source language by detection (tinyld), never assumed to be English.
import { detectAll } from "tinyld";

/** Below this many letters detection is a guess; callers get `undefined` instead. */
export const MIN_DETECTABLE_LETTERS = 30;

const MIN_CONFIDENCE = 0.1;

/** Texts whose language was detected lately: one source fans out over several languages. */
const RECENT_LIMIT = 256;
const recent = new Map<string, string | undefined>();

/** ISO 639-1 code of the text's language, or undefined when the text is too short or unclear. */
export function detectLanguage(text: string): string | undefined {
  if (recent.has(text)) return recent.get(text);
  const language = detect(text);
  if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  recent.set(text, language);
  return language;
}

function detect(text: string): string | undefined {
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
