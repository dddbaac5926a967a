import type { ChatMessage } from "../llm-client.js";
import { factsBlock, listingBlock } from "../input/listing-block.js";
import { factEntries, type ListingFacts, type PreparedListing } from "../input/prepare-listing.js";

/**
 * The system prompt, then facts (all the listing's by default) and the listing's text as
 * delimited data in the user turn.
 */
export function listingMessages(
  system: string,
  listing: PreparedListing,
  facts: ListingFacts = listing.facts,
): ChatMessage[] {
  const user = [factsBlock(factEntries(facts)), listingBlock(listing.text)]
    .filter(Boolean)
    .join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}
