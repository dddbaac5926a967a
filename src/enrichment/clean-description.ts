// Description cleaning: grammar, spelling and layout fixed; every fact kept, none added.
import type { AnimalSource } from "./animal-source.js";
import type { EnrichmentDeps } from "./enrichment-deps.js";
import { runGuardedCompletion } from "./guarded-completion.js";
import { checkCleaning } from "./guards/cleaning-guards.js";
import { prepareListing } from "./input/prepare-listing.js";
import { plainTextAnswer } from "./plain-text-answer.js";
import type { PromptVariant } from "./experiments/prompt-variant.js";
import type { ProcessingOutcome } from "./processing-outcome.js";
import {
  descriptionCleaningMessages,
  PROMPT_VERSION,
} from "./prompts/description-cleaning-prompt.js";
import { completionTokenBudget } from "./estimate-tokens.js";
import { textClaims } from "./verification/output-claims.js";

export interface CleanDescriptionInput {
  readonly animal: AnimalSource;
  readonly signal?: AbortSignal;
  /** An experiment arm or promoted prompt version; absent = the built-in prompt. */
  readonly variant?: PromptVariant | undefined;
}

/** The cleaned description text, or why there is none. */
export async function cleanDescription(
  deps: EnrichmentDeps,
  input: CleanDescriptionInput,
): Promise<ProcessingOutcome<string>> {
  const listing = prepareListing(input.animal);
  if (listing.text === "") {
    return {
      status: "skipped",
      code: "no_source_text",
      reason: "the listing has no description",
      sourceLanguage: undefined,
      calls: [],
    };
  }
  const overrides = input.animal.organizationOverrides;
  return runGuardedCompletion(deps, {
    processingType: "description_cleaning",
    promptVersion: input.variant?.promptVersion ?? PROMPT_VERSION,
    temperature: input.variant?.temperature,
    model: input.variant?.model,
    messages: (language) =>
      descriptionCleaningMessages(
        { facts: listing.facts, text: listing.text, language },
        overrides,
        input.variant,
      ),
    maxTokens: () => completionTokenBudget(listing.text),
    sourceLanguage: () => listing.language,
    signal: input.signal,
    check(content) {
      const output = plainTextAnswer(content);
      const { reasons, flags } = checkCleaning({
        source: listing.text,
        facts: listing.facts,
        output,
        bannedPhrases: overrides.banned_phrases ?? [],
        sourceLanguage: listing.language,
        outputLanguage: overrides.output_language,
        declaredLanguage: input.animal.language,
      });
      return reasons.length === 0 ? { ok: true, value: output, flags } : { ok: false, reasons };
    },
    verification: {
      source: listing.text,
      outputName: "cleaned description",
      claims: (output) => textClaims(output, overrides.output_language ?? listing.language ?? "en"),
    },
  });
}
