// Dog profiler: a structured profile in which every claim quotes the listing. Thin listings
// are skipped, never padded.
import type { AnimalSource } from "./animal-source.js";
import {
  DOG_PROFILE_JSON_SCHEMA,
  dogProfileSchema,
  type DogProfile,
} from "./dog-profile-schema.js";
import type { EnrichmentDeps } from "./enrichment-deps.js";
import { runGuardedCompletion } from "./guarded-completion.js";
import { enforceCompatibilityEvidence, profileGuards } from "./guards/profile-guards.js";
import { profileTruthReasons } from "./guards/profile-truth-guards.js";
import { factEntries, prepareListing } from "./input/prepare-listing.js";
import { parseModelJson } from "./parse-model-json.js";
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
    responseFormat: { type: "json_schema", name: "dog_profile", schema: DOG_PROFILE_JSON_SCHEMA },
    sourceLanguage: () => listing.language,
    signal: input.signal,
    check(content) {
      const language = profileLanguage(listing, overrides);
      const parsed = parseModelJson(content, dogProfileSchema);
      if (!parsed.ok) return parsed;
      const { profile, flags } = enforceCompatibilityEvidence(parsed.value);
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
