// A translation is in the asked language, keeps names and numbers, and adds nothing.
import type { StructuredFactsInput } from "../facts/listing-facts.js";
import { keptCriticalFactReasons } from "./critical-fact-guards.js";
import { injectionReasons } from "./injection-guard.js";
import {
  addedNumberReasons,
  lengthRatioReasons,
  missingNameReasons,
  missingNumberReasons,
} from "./kept-facts.js";
import { metaCommentaryReasons } from "./meta-commentary.js";
import { wrongLanguage } from "./language-match.js";
import { containsHtml } from "./text-features.js";

// Short texts grow most in translation (and carry the names), hence the generous slack.
export const TRANSLATION_LENGTH_BOUNDS = { minRatio: 0.4, maxRatio: 2.2, slackChars: 100 } as const;

export interface TranslationGuardInput {
  readonly source: string;
  readonly output: string;
  readonly targetLanguage: string;
  /** Names that must appear unchanged. */
  readonly preserve?: readonly string[];
  /** Detected language of the source, for reading its critical facts. */
  readonly sourceLanguage?: string | undefined;
  /** The listing's structured fields, when the text is a listing's. */
  readonly structured?: StructuredFactsInput;
}

/** Reasons a translation fails, and flags on one that passes. */
export function checkTranslation(input: TranslationGuardInput): {
  reasons: string[];
  flags: string[];
} {
  const facts = keptCriticalFactReasons({
    source: input.source,
    sourceLanguage: input.sourceLanguage,
    output: input.output,
    outputLanguage: input.targetLanguage,
    ...(input.structured ? { structured: input.structured } : {}),
    outputName: "the translation",
    names: input.preserve ?? [],
  });
  const form = translationGuards(input);
  // Read in the wrong language, every fact looks dropped: the language reason says it all.
  // (Judged as translationGuards judges it, names left out: they sway the detector.)
  const wrong =
    languageReasons(withoutNames(input.output, input.preserve ?? []), input.targetLanguage).length >
    0;
  return { reasons: [...form, ...(wrong ? [] : facts.reasons)], flags: facts.flags };
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
  const detected = wrongLanguage(text, [targetLanguage]);
  return detected === undefined
    ? []
    : [`the translation is not in the target language ${targetLanguage} (detected ${detected})`];
}
