// A cleaned description keeps every fact of the listing and adds none.
import type { ListingFacts } from "../input/prepare-listing.js";
import { bannedPhraseReasons } from "./banned-phrases.js";
import { keptCriticalFactReasons } from "./critical-fact-guards.js";
import { lostNegationReasons } from "./kept-negations.js";
import { injectionReasons } from "./injection-guard.js";
import {
  addedNumberReasons,
  lengthRatioReasons,
  missingNameReasons,
  missingNumberReasons,
} from "./kept-facts.js";
import { metaCommentaryReasons } from "./meta-commentary.js";
import { plausibleLanguages, wrongLanguage } from "./language-match.js";
import { containsHtml } from "./text-features.js";

export const CLEANING_LENGTH_BOUNDS = { minRatio: 0.5, maxRatio: 1.5, slackChars: 40 } as const;

export interface CleaningGuardInput {
  /** The prepared listing text the model was given. */
  readonly source: string;
  readonly facts: ListingFacts;
  readonly output: string;
  /** The organization's banned phrases (the default clichés are for profiles only). */
  readonly bannedPhrases?: readonly string[];
  /** Detected language of the source. */
  readonly sourceLanguage?: string | undefined;
  /** The organization's output_language, when it asks for one; else the listing's own. */
  readonly outputLanguage?: string | undefined;
  /** The animals.language column: the language to expect when the source is too short to tell. */
  readonly declaredLanguage?: string | null | undefined;
}

/** Reasons a cleaned description fails, and flags on one that passes. */
export function checkCleaning(input: CleaningGuardInput): { reasons: string[]; flags: string[] } {
  const form = cleaningGuards(input);
  const language = cleaningLanguageReasons(input);
  if (language.length > 0) return { reasons: [...form, ...language], flags: [] };
  const facts = keptCriticalFactReasons({
    source: input.source,
    sourceLanguage: input.sourceLanguage,
    output: input.output,
    outputLanguage: input.outputLanguage ?? input.sourceLanguage,
    structured: input.facts,
    outputName: "the cleaned description",
    names: input.facts.name ? [input.facts.name] : [],
    keepWarningSentences: true,
  });
  // Negations are counted within one language: a cleaning into another has its own words.
  const sameLanguage =
    input.outputLanguage === undefined || input.outputLanguage === input.sourceLanguage;
  const negations = sameLanguage
    ? lostNegationReasons(input.source, input.output, input.sourceLanguage)
    : [];
  return { reasons: [...form, ...facts.reasons, ...negations], flags: facts.flags };
}

/** The cleaned text stays in the listing's language (or the organization's output_language). */
export function cleaningLanguageReasons(input: CleaningGuardInput): string[] {
  const fromSource = [
    ...new Set([
      ...(input.sourceLanguage ? [input.sourceLanguage] : []),
      ...plausibleLanguages(input.source),
    ]),
  ];
  const expected = input.outputLanguage
    ? [input.outputLanguage]
    : fromSource.length > 0
      ? fromSource
      : input.declaredLanguage
        ? [input.declaredLanguage]
        : [];
  const wrong = wrongLanguage(input.output, expected);
  return wrong === undefined
    ? []
    : [
        `the cleaned description is not in the listing's language ${expected[0] ?? "?"} (detected ${wrong})`,
      ];
}

export function cleaningGuards(input: CleaningGuardInput): string[] {
  const { source, output, facts } = input;
  if (output.trim() === "") return ["the cleaned description is empty"];
  const factValues = Object.values(facts).filter((v): v is string => typeof v === "string");
  return [
    ...missingNameReasons(facts.name, source, output),
    ...missingNumberReasons(source, output),
    ...addedNumberReasons([source, ...factValues], output),
    ...injectionReasons(output, source),
    ...metaCommentaryReasons(output, source),
    ...lengthRatioReasons(source, output, CLEANING_LENGTH_BOUNDS).map(
      (r) => `the cleaned description ${r}`,
    ),
    ...(containsHtml(output) ? ["the cleaned description contains HTML"] : []),
    ...bannedPhraseReasons("the cleaned description", output, input.bannedPhrases ?? []),
  ];
}
