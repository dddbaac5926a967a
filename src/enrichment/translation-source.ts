// What translation works from. (An item's source hash is computed in SQL, over the same
// fields: see src/db/enrichment-store.ts.)
import type { AnimalSource } from "./animal-source.js";
import { cleanSourceText } from "./input/clean-source-text.js";
import { detectLanguage } from "./input/detect-language.js";

/** What translation translates: the cleaned description when there is one, else the original. */
export function translationSourceText(
  animal: Pick<AnimalSource, "description" | "enrichedDescription">,
): string {
  const enriched = animal.enrichedDescription?.trim();
  return enriched ? enriched : (animal.description ?? "");
}

export interface ChosenTranslationSource {
  readonly text: string;
  /** Set when the cleaned text was passed over: it is not in the listing's language. */
  readonly flag?: string;
}

/**
 * The cleaned description, unless it is in another language than the listing (and than the
 * organization's output_language): a cleaning answered in the wrong language must not pass
 * for a text already in that language, so the original is translated instead.
 */
export function chooseTranslationSource(
  animal: Pick<AnimalSource, "description" | "enrichedDescription" | "organizationOverrides">,
): ChosenTranslationSource {
  const text = translationSourceText(animal);
  const enriched = animal.enrichedDescription?.trim();
  if (!enriched || !animal.description) return { text };
  const cleanedLanguage = detectLanguage(cleanSourceText(enriched));
  const originalLanguage = detectLanguage(cleanSourceText(animal.description));
  if (
    cleanedLanguage === undefined ||
    originalLanguage === undefined ||
    cleanedLanguage === originalLanguage ||
    cleanedLanguage === animal.organizationOverrides.output_language
  ) {
    return { text };
  }
  return {
    text: animal.description,
    flag: `cleaned_text_in_other_language:${cleanedLanguage}`,
  };
}
