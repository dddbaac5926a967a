import type { ChatMessage } from "../llm-client.js";
import { factsBlock, listingBlock } from "../input/listing-block.js";
import { factEntries, type PreparedListing } from "../input/prepare-listing.js";

/** The system prompt, then the listing's facts and text as delimited data in the user turn. */
export function listingMessages(system: string, listing: PreparedListing): ChatMessage[] {
  const user = [factsBlock(factEntries(listing.facts)), listingBlock(listing.text)]
    .filter(Boolean)
    .join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}
