// The core's port to model prices: what one prompt and one completion token of a model cost,
// synchronously and through the provider's Batch API. Implemented by src/llm/model-price-
// catalog.ts from OpenRouter's GET /models; dry runs and cost reports read it.

export interface TokenPricesUsd {
  readonly promptUsdPerToken: number;
  readonly completionUsdPerToken: number;
}

export type ModelPriceQuote =
  | {
      readonly known: true;
      readonly modelId: string;
      readonly sync: TokenPricesUsd;
      readonly batch: TokenPricesUsd;
      /**
       * `listed`: the catalog has the model's `:batch` variant with its own price; `derived`:
       * it has none, so the batch price is the documented typical 50% of the sync price.
       */
      readonly batchPriceSource: "listed" | "derived";
    }
  | {
      readonly known: false;
      readonly modelId: string;
      /** Why there is no price, for the user (e.g. "openrouter/auto routes per request"). */
      readonly reason: string;
    };

export interface ModelPrices {
  /** Throws an LlmError when the price list cannot be fetched. */
  quote(modelId: string, options?: { readonly signal?: AbortSignal }): Promise<ModelPriceQuote>;
}

/** USD for these tokens at these prices. */
export function tokensCostUsd(
  tokens: { readonly promptTokens: number; readonly completionTokens: number },
  prices: TokenPricesUsd,
): number {
  return (
    tokens.promptTokens * prices.promptUsdPerToken +
    tokens.completionTokens * prices.completionUsdPerToken
  );
}
