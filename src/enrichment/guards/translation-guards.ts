// A translation is in the asked language, keeps names and numbers, and adds nothing.
import { detectAll } from "tinyld";
import { countLetters, MIN_DETECTABLE_LETTERS } from "../input/detect-language.js";
import { injectionReasons } from "./injection-guard.js";
import {
  addedNumberReasons,
  lengthRatioReasons,
  missingNameReasons,
  missingNumberReasons,
} from "./kept-facts.js";
import { metaCommentaryReasons } from "./meta-commentary.js";
import { containsHtml } from "./text-features.js";

// Short texts grow most in translation (and carry the names), hence the generous slack.
export const TRANSLATION_LENGTH_BOUNDS = { minRatio: 0.4, maxRatio: 2.2, slackChars: 100 } as const;

/** Languages a detector cannot reliably tell apart. */
const SAME_LANGUAGE: readonly (readonly string[])[] = [
  ["ms", "id"],
  ["no", "nb", "nn", "da"],
  ["hr", "sr", "bs"],
];

function sameLanguage(a: string, b: string): boolean {
  return a === b || SAME_LANGUAGE.some((group) => group.includes(a) && group.includes(b));
}

export interface TranslationGuardInput {
  readonly source: string;
  readonly output: string;
  readonly targetLanguage: string;
  /** Names that must appear unchanged. */
  readonly preserve?: readonly string[];
}

export function translationGuards(input: TranslationGuardInput): string[] {
  const { source, output, targetLanguage } = input;
  const preserve = input.preserve ?? [];
  if (output.trim() === "") return ["the translation is empty"];
  // The names are part of what the model was given: their digits or contacts are not "added".
  const given = [source, ...preserve].join("\n");
  return [
    ...languageReasons(withoutNames(output, preserve), targetLanguage),
    ...preserve.flatMap((name) => missingNameReasons(name, source, output)),
    ...missingNumberReasons(source, output),
    ...addedNumberReasons([given], output),
    ...injectionReasons(output, given),
    ...metaCommentaryReasons(output, source),
    ...lengthRatioReasons(source, output, TRANSLATION_LENGTH_BOUNDS).map(
      (r) => `the translation ${r}`,
    ),
    ...(containsHtml(output) && !containsHtml(source) ? ["the translation contains HTML"] : []),
  ];
}

/** Names belong to no language; left in, they sway the detector on short texts. */
function withoutNames(text: string, names: readonly string[]): string {
  let out = text;
  for (const name of names) out = out.split(name).join(" ");
  return out.replace(/\d+/g, " ");
}

/**
 * The detector's verdict, when the text is long enough to have one: wrong only when another
 * language clearly wins (the target is not a close runner-up).
 */
export function languageReasons(text: string, targetLanguage: string): string[] {
  if (countLetters(text) < MIN_DETECTABLE_LETTERS) return [];
  const candidates = detectAll(text);
  const top = candidates[0];
  if (!top || sameLanguage(top.lang, targetLanguage)) return [];
  const target = candidates.slice(0, 3).find((c) => sameLanguage(c.lang, targetLanguage));
  if (target && target.accuracy >= top.accuracy * 0.5) return [];
  return [`the translation is not in the target language ${targetLanguage} (detected ${top.lang})`];
}
