// Dog profiler: a structured profile in which every claim quotes the listing. Thin listings
// are skipped, never padded; so is a listing the model finds no trait stated in (its answer
// says so instead of a profile: one call, no re-ask, no verification, nothing stored).
import type { AnimalSource } from "./animal-source.js";
import type { DogProfile } from "./dog-profile-schema.js";
import type { EnrichmentDeps } from "./enrichment-deps.js";
import { runGuardedCompletion } from "./guarded-completion.js";
import { enforceCompatibilityEvidence, profileGuards } from "./guards/profile-guards.js";
import { profileTruthReasons } from "./guards/profile-truth-guards.js";
import { factEntries, prepareListing } from "./input/prepare-listing.js";
import { PROFILE_ANSWER_JSON_SCHEMA, readProfileAnswer } from "./profile-answer.js";
import { profileClaims } from "./verification/output-claims.js";
import type { PromptVariant } from "./experiments/prompt-variant.js";
import type { ProcessingOutcome } from "./processing-outcome.js";
import {
  dogProfilerMessages,
  profileLanguage,
  PROMPT_VERSION,
} from "./prompts/dog-profiler-prompt.js";

export interface GenerateProfileInput {
  readonly animal: AnimalSource;
  readonly signal?: AbortSignal;
  /** An experiment arm or promoted prompt version; absent = the built-in prompt. */
  readonly variant?: PromptVariant | undefined;
}

const PROFILE_MAX_TOKENS = 1200;

export async function generateProfile(
  deps: EnrichmentDeps,
  input: GenerateProfileInput,
): Promise<ProcessingOutcome<DogProfile>> {
  const listing = prepareListing(input.animal);
  const minChars = deps.config.profilerMinSourceChars;
  if (listing.text.length < minChars) {
    return {
      status: "skipped",
      code: "too_thin",
      reason: `the description has ${listing.text.length} characters; a profile needs at least ${minChars} (LLM_PROFILER_MIN_SOURCE_CHARS)`,
      sourceLanguage: listing.language,
      calls: [],
    };
  }
  const overrides = input.animal.organizationOverrides;
  // Quotes may come from the facts as well as from the narrative.
  const evidenceSource = [
    ...factEntries(listing.facts).map(([, value]) => value),
    listing.text,
  ].join("\n");
  return runGuardedCompletion(deps, {
    processingType: "dog_profiler",
    promptVersion: input.variant?.promptVersion ?? PROMPT_VERSION,
    temperature: input.variant?.temperature,
    model: input.variant?.model,
    messages: (language) =>
      dogProfilerMessages(
        { facts: listing.facts, text: listing.text, language },
        overrides,
        input.variant,
      ),
    maxTokens: () => PROFILE_MAX_TOKENS,
    responseFormat: {
      type: "json_schema",
      name: "dog_profile",
      schema: PROFILE_ANSWER_JSON_SCHEMA,
    },
    sourceLanguage: () => listing.language,
    signal: input.signal,
    check(content) {
      const language = profileLanguage(listing, overrides);
      const parsed = readProfileAnswer(content);
      if (!parsed.ok) return parsed;
      if (parsed.value.kind === "no_profile") {
        return {
          ok: false,
          declined: {
            code: "no_trait_stated",
            reason: `the model found no personality trait stated in the listing: ${JSON.stringify(parsed.value.reason)}`,
          },
        };
      }
      const { profile, flags } = enforceCompatibilityEvidence(parsed.value.profile);
      const reasons = profileGuards({
        profile,
        source: evidenceSource,
        language,
        bannedPhrases: overrides.banned_phrases ?? [],
      });
      // Meaning is checked once the form holds (a quote not in the listing says enough).
      if (reasons.length > 0) return { ok: false, reasons };
      const truth = profileTruthReasons({
        profile,
        listingText: listing.text,
        sourceLanguage: listing.language,
        structured: listing.facts,
        profileLanguage: language,
      });
      return truth.reasons.length === 0
        ? { ok: true, value: profile, flags: [...flags, ...truth.flags] }
        : { ok: false, reasons: truth.reasons };
    },
    verification: {
      source: evidenceSource,
      outputName: "profile",
      claims: (profile) => profileClaims(profile, profileLanguage(listing, overrides)),
    },
  });
}
