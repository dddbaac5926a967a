// What translation works from. (An item's source hash is computed in SQL, over the same
// fields: see src/db/enrichment-store.ts.)
import type { AnimalSource } from "./animal-source.js";

/** What translation translates: the cleaned description when there is one, else the original. */
export function translationSourceText(
  animal: Pick<AnimalSource, "description" | "enrichedDescription">,
): string {
  const enriched = animal.enrichedDescription?.trim();
  return enriched ? enriched : (animal.description ?? "");
}
