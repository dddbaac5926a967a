// Which listing fields a processing type works from. The SQL that reads and hashes the same
// fields lives in src/db/enrichment-store.ts, keyed by these names.
import type { AnimalSource } from "../animal-source.js";
import { translationSourceText } from "../translation-source.js";

export type SourceFields =
  /** The structured facts and the original description (properties->>'description'). */
  | "listing"
  /** The text adopters read: the cleaned description when there is one, else the original. */
  | "display_text";

/** The narrative text a type reads from these fields (dry runs measure and estimate it). */
export function sourceText(
  fields: SourceFields,
  animal: Pick<AnimalSource, "description" | "enrichedDescription">,
): string {
  switch (fields) {
    case "listing":
      return animal.description ?? "";
    case "display_text":
      return translationSourceText(animal);
  }
}
