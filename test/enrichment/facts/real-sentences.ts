// Sentences of real listings (../shared/data), found by id and a few of their words: the tests
// name where a sentence is, never copy it.
import { splitSentences } from "../../../src/enrichment/facts/sentences.js";
import { cleanSourceText } from "../../../src/enrichment/input/clean-source-text.js";
import { realListing } from "../support/real-listings.js";

export function listingText(externalId: string): string {
  return cleanSourceText(realListing(externalId).description);
}

/** The sentence of listing `externalId` that contains `fragment`. */
export function realSentence(externalId: string, fragment: string): string {
  const text = listingText(externalId);
  const found = splitSentences(text).find((s) => s.text.includes(fragment));
  if (!found) throw new Error(`no sentence with "${fragment}" in ${externalId}`);
  return found.text;
}
