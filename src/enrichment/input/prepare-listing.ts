// Turns an AnimalSource into what the prompts and guards work on.
import type { AnimalSource } from "../animal-source.js";
import { cleanSourceText } from "./clean-source-text.js";
import { detectLanguage } from "./detect-language.js";

/** Structured facts; absent ones are omitted entirely (a NULL is never the text "None"). */
export interface ListingFacts {
  readonly name?: string;
  readonly breed?: string;
  readonly age_text?: string;
  readonly sex?: string;
  readonly size?: string;
}

export interface PreparedListing {
  readonly facts: ListingFacts;
  /** The description reduced to clean plain text ("" when there is none). */
  readonly text: string;
  /** Detected ISO 639-1 code of `text`; undefined when it is too short to tell. */
  readonly language: string | undefined;
}

const FACT_KEYS = [
  ["name", "name"],
  ["breed", "breed"],
  ["age_text", "ageText"],
  ["sex", "sex"],
  ["size", "size"],
] as const;

/** Values aggregators store for "unknown" that must never reach a prompt as a fact. */
const EMPTY_MARKERS = new Set(["", "none", "null", "undefined", "n/a", "na", "unknown", "-"]);

export function prepareFacts(animal: AnimalSource): ListingFacts {
  const facts: Record<string, string> = {};
  for (const [key, field] of FACT_KEYS) {
    const value = cleanSourceText(animal[field]);
    if (!EMPTY_MARKERS.has(value.toLowerCase())) facts[key] = value;
  }
  return facts;
}

export function factEntries(facts: ListingFacts): Array<readonly [string, string]> {
  return FACT_KEYS.flatMap(([key]) => {
    const value = facts[key];
    return value === undefined ? [] : [[key, value] as const];
  });
}

export function prepareListing(
  animal: AnimalSource,
  description = animal.description,
): PreparedListing {
  const text = cleanSourceText(description);
  // Detected on first read: an answer from the cache needs no detection (guarded-completion.ts),
  // and detection is most of a cached item's CPU (tinyld, ~0.5 ms for a listing).
  let language: { value: string | undefined } | undefined;
  return {
    facts: prepareFacts(animal),
    text,
    get language() {
      language ??= { value: detectLanguage(text) };
      return language.value;
    },
  };
}
