// A cleaned description keeps every fact of the listing and adds none.
import type { ListingFacts } from "../input/prepare-listing.js";
import { bannedPhraseReasons } from "./banned-phrases.js";
import { injectionReasons } from "./injection-guard.js";
import {
  addedNumberReasons,
  lengthRatioReasons,
  missingNameReasons,
  missingNumberReasons,
} from "./kept-facts.js";
import { metaCommentaryReasons } from "./meta-commentary.js";
import { containsHtml } from "./text-features.js";

export const CLEANING_LENGTH_BOUNDS = { minRatio: 0.5, maxRatio: 1.5, slackChars: 40 } as const;

export interface CleaningGuardInput {
  /** The prepared listing text the model was given. */
  readonly source: string;
  readonly facts: ListingFacts;
  readonly output: string;
  /** The organization's banned phrases (the default clichés are for profiles only). */
  readonly bannedPhrases?: readonly string[];
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
