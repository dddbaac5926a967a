// Cheap token estimates for dry runs and max_tokens budgets: about four characters per token
// for Latin scripts (an over-estimate is the safe side for a cost forecast).
import type { ProcessingType } from "../config.js";

const CHARS_PER_TOKEN = 4;
/** Instructions and delimiters each prompt adds around the listing (measured from the prompts). */
const PROMPT_OVERHEAD_TOKENS: Readonly<Record<ProcessingType, number>> = {
  description_cleaning: 260,
  // The JSON schema sent as response_format counts as prompt tokens too.
  dog_profiler: 720,
  translation: 200,
};
const PROFILE_COMPLETION_TOKENS = 450;

export function textTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export interface TokenEstimate {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** Estimated tokens of one call on `preparedInput`. */
export function estimateTokens(
  processingType: ProcessingType,
  preparedInput: string,
): TokenEstimate {
  return estimateRunTokens(processingType, 1, preparedInput.length);
}

/** Estimated tokens of `calls` calls whose sources add up to `sourceChars` characters (dry runs). */
export function estimateRunTokens(
  processingType: ProcessingType,
  calls: number,
  sourceChars: number,
): TokenEstimate {
  const input = Math.ceil(sourceChars / CHARS_PER_TOKEN);
  const completionTokens =
    processingType === "dog_profiler"
      ? calls * PROFILE_COMPLETION_TOKENS
      : Math.ceil(input * (processingType === "translation" ? 1.3 : 1.05));
  return { promptTokens: calls * PROMPT_OVERHEAD_TOKENS[processingType] + input, completionTokens };
}

/** max_tokens for a text answer: room for the whole text (times `factor`) plus headroom. */
export function completionTokenBudget(text: string, factor = 1.3): number {
  return Math.max(256, Math.ceil(textTokens(text) * factor) + 200);
}
