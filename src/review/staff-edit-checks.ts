// A staff edit is rechecked by the same deterministic guards as a model's answer; their
// findings are stored with the staff version and shown, and staff decide whether to approve.
import type { ProcessingType } from "../config.js";
import type { AnimalSource } from "../enrichment/animal-source.js";
import type { DogProfile } from "../enrichment/dog-profile-schema.js";
import { cleaningGuards } from "../enrichment/guards/cleaning-guards.js";
import { profileGuards } from "../enrichment/guards/profile-guards.js";
import { translationGuards } from "../enrichment/guards/translation-guards.js";
import { cleanSourceText } from "../enrichment/input/clean-source-text.js";
import { factEntries, prepareListing } from "../enrichment/input/prepare-listing.js";
import {
  NO_OVERRIDES,
  parseOrganizationOverrides,
  type OrganizationOverrides,
} from "../enrichment/organization-overrides.js";
import { profileLanguage } from "../enrichment/prompts/dog-profiler-prompt.js";
import { translationSourceText } from "../enrichment/translation-source.js";
import { AppError } from "../errors.js";
import type { AnimalSourceRecord } from "./review-types.js";

/** The animal as the enrichment core sees it, plus a finding when its organization's config is broken. */
export function animalSourceOf(animal: AnimalSourceRecord): {
  source: AnimalSource;
  findings: string[];
} {
  let overrides: OrganizationOverrides = NO_OVERRIDES;
  const findings: string[] = [];
  try {
    overrides = parseOrganizationOverrides(animal.organizationConfig ?? {});
  } catch (error) {
    findings.push(error instanceof AppError ? error.message : "invalid organization llm_config");
  }
  return {
    source: {
      id: animal.id,
      // The importer stores a missing name as ''.
      name: animal.name.trim() === "" ? null : animal.name,
      breed: animal.breed,
      ageText: animal.ageText,
      sex: animal.sex,
      size: animal.size,
      language: animal.language,
      description: animal.description,
      enrichedDescription: animal.enrichedDescription,
      organizationOverrides: overrides,
    },
    findings,
  };
}

export type StaffValue =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "profile"; readonly profile: DogProfile };

/** The guards' reasons against `value` as the output of `type` for this animal. */
export function checkStaffEdit(
  animal: AnimalSourceRecord,
  type: ProcessingType,
  targetLanguage: string,
  value: StaffValue,
): string[] {
  const { source, findings } = animalSourceOf(animal);
  const overrides = source.organizationOverrides;
  const banned = overrides.banned_phrases ?? [];
  const listing = prepareListing(source);
  const reasons = ((): string[] => {
    if (value.kind === "profile") {
      const evidenceSource = [
        ...factEntries(listing.facts).map(([, fact]) => fact),
        listing.text,
      ].join("\n");
      return profileGuards({
        profile: value.profile,
        source: evidenceSource,
        language: profileLanguage(listing, overrides),
        bannedPhrases: banned,
      });
    }
    if (type === "translation") {
      const name = source.name === null ? "" : cleanSourceText(source.name);
      return translationGuards({
        source: cleanSourceText(translationSourceText(source)),
        output: value.text,
        targetLanguage,
        preserve: name === "" ? [] : [name],
      });
    }
    return cleaningGuards({
      source: listing.text,
      facts: listing.facts,
      output: value.text,
      bannedPhrases: banned,
    });
  })();
  return [...findings, ...reasons];
}
