// The exact text whose SHA-256 is an item's source hash: when it changes, the item is redone.
import type { ProcessingType } from "../config.js";
import type { AnimalSource } from "./animal-source.js";
import { cleanSourceText } from "./input/clean-source-text.js";
import { prepareFacts } from "./input/prepare-listing.js";

/** What translation translates: the cleaned description when there is one, else the original. */
export function translationSourceText(animal: AnimalSource): string {
  const enriched = animal.enrichedDescription?.trim();
  return enriched ? enriched : (animal.description ?? "");
}

export function sourceFor(
  processingType: ProcessingType,
  animal: AnimalSource,
  targetLanguage?: string,
): string {
  const overrides = animal.organizationOverrides;
  if (processingType === "translation") {
    return JSON.stringify({
      text: cleanSourceText(translationSourceText(animal)),
      name: cleanSourceText(animal.name),
      targetLanguage: targetLanguage ?? "",
      overrides: { tone: overrides.tone, extra_instructions: overrides.extra_instructions },
    });
  }
  return JSON.stringify({
    facts: prepareFacts(animal),
    text: cleanSourceText(animal.description),
    overrides,
  });
}
