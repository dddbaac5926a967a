// Everything the dog page shows, derived from an animal's review: the listing text the
// results were made from, its facts, and where each evidence quote sits in it.
import type { Config, ProcessingType } from "../../config.js";
import type { DogProfile } from "../../enrichment/dog-profile-schema.js";
import { quoteFoundIn } from "../../enrichment/guards/normalized-match.js";
import { cleanSourceText } from "../../enrichment/input/clean-source-text.js";
import { PROCESSING_TYPE_DEFINITIONS } from "../../enrichment/processing-types/processing-types.js";
import { factEntries, prepareFacts } from "../../enrichment/input/prepare-listing.js";
import { translationSourceText } from "../../enrichment/translation-source.js";
import { locateQuote } from "../../review/quote-locations.js";
import { effectiveReviewMode } from "../../review/review-mode.js";
import type { AnimalReview, ReviewItem } from "../../review/review-types.js";
import { animalSourceOf } from "../../review/staff-edit-checks.js";
import type { DogPageProps } from "./pages/dog-page.js";
import type { LocatedQuote } from "./pages/source-panel.js";

type Derived = Pick<
  DogPageProps,
  | "sourceText"
  | "translationSource"
  | "facts"
  | "quotes"
  | "quoteNumbers"
  | "reviewMode"
  | "missing"
>;

function profilesShown(items: readonly ReviewItem[]): DogProfile[] {
  return items
    .filter((i) => i.processingType === "dog_profiler")
    .flatMap((i) => [i.staff, i.candidate, i.published])
    .filter((v) => v !== undefined)
    .map((v) => v.value as DogProfile)
    .filter((p) => p !== null && typeof p === "object" && Array.isArray(p.evidence));
}

export function deriveDogPage(review: AnimalReview, config: Config): Derived {
  const { source } = animalSourceOf(review.animal);
  const sourceText = cleanSourceText(source.description);
  const facts = factEntries(prepareFacts(source));
  const factsText = facts.map(([, value]) => value).join("\n");
  const quotes: LocatedQuote[] = [];
  const quoteNumbers = new Map<string, number>();
  for (const profile of profilesShown(review.items)) {
    for (const evidence of profile.evidence) {
      if (quoteNumbers.has(evidence.quote)) continue;
      const ranges = locateQuote(evidence.quote, sourceText);
      // A quote from the structured facts (breed, age…) is real evidence too, just not in the text.
      if (ranges.length === 0 && !quoteFoundIn(evidence.quote, factsText)) continue;
      const number = quoteNumbers.size + 1;
      quoteNumbers.set(evidence.quote, number);
      if (ranges.length > 0) quotes.push({ number, ranges });
    }
  }
  const have = new Set(review.items.map((i) => `${i.processingType}:${i.targetLanguage}`));
  const wanted: { type: ProcessingType; language: string }[] = Object.values(
    PROCESSING_TYPE_DEFINITIONS,
  ).flatMap(({ name, fansOutOverLanguages }) =>
    (fansOutOverLanguages ? config.translationLanguages : [""]).map((language) => ({
      type: name,
      language,
    })),
  );
  return {
    sourceText,
    translationSource: cleanSourceText(translationSourceText(source)),
    facts,
    quotes,
    quoteNumbers,
    reviewMode: effectiveReviewMode(review.animal.organizationConfig, config.reviewMode),
    missing: wanted.filter((w) => config.features[w.type] && !have.has(`${w.type}:${w.language}`)),
  };
}
