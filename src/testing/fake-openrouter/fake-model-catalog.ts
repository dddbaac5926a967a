// The models the fake serves and what it charges for them, and its `GET /api/v1/models`.
//
// Shaped like OpenRouter's Models API (https://openrouter.ai/docs/api-reference/models):
// `{"data": [{id, canonical_slug, name, created, context_length, architecture, pricing, …}]}`
// with `pricing.prompt` / `pricing.completion` as decimal strings of USD per token. Two details
// clients must handle, both as on OpenRouter:
//  - `openrouter/auto` is listed with the price "-1": it routes per request, so its price is
//    not known in advance;
//  - a model with a batch price has a catalog variant `<id>:batch` with its own pricing
//    (https://openrouter.ai/docs/guides/routing/model-variants/overview — catalog variants are
//    separate entries; the Batch API guide says each model's page shows its batch price).

export interface FakeTokenPrices {
  /** USD per prompt token. */
  readonly promptUsdPerToken: number;
  /** USD per completion token. */
  readonly completionUsdPerToken: number;
}

export const AUTO_MODEL = "openrouter/auto";
export const DEFAULT_SERVED_MODEL = "openai/gpt-4o-mini";
export const DEFAULT_PRICING: FakeTokenPrices = {
  promptUsdPerToken: 0.15e-6,
  completionUsdPerToken: 0.6e-6,
};
/** The Batch API bills "typically 50% of the model's standard per-token pricing". */
export const DEFAULT_BATCH_PRICE_FACTOR = 0.5;
export const BATCH_VARIANT_SUFFIX = ":batch";

const OTHER_MODELS = ["anthropic/claude-3.5-haiku", "mistralai/mistral-small"] as const;

export interface FakeModelCatalog {
  /** The model reported for a request (`openrouter/auto` resolves to the served model). */
  resolve(requested: string): string;
  /** What the fake charges per token for a model, sync or batch. */
  pricesOf(model: string, mode: "sync" | "batch"): FakeTokenPrices;
  /** The body of GET /api/v1/models. */
  listing(): { data: Record<string, unknown>[] };
}

export function createFakeModelCatalog(options: {
  readonly servedModel?: string;
  /** Sync price of every model without its own entry in `modelPricing`. */
  readonly pricing?: FakeTokenPrices;
  readonly modelPricing?: Readonly<Record<string, FakeTokenPrices>>;
  /** Batch price as a share of the sync price (default 0.5). */
  readonly batchPriceFactor?: number;
}): FakeModelCatalog {
  const servedModel = options.servedModel ?? DEFAULT_SERVED_MODEL;
  const basePricing = options.pricing ?? DEFAULT_PRICING;
  const factor = options.batchPriceFactor ?? DEFAULT_BATCH_PRICE_FACTOR;
  const models = [
    ...new Set([servedModel, ...OTHER_MODELS, ...Object.keys(options.modelPricing ?? {})]),
  ];
  const syncPrices = (model: string) =>
    options.modelPricing?.[stripBatchSuffix(model)] ?? basePricing;
  const pricesOf = (model: string, mode: "sync" | "batch"): FakeTokenPrices => {
    const sync = syncPrices(model);
    return mode === "sync"
      ? sync
      : {
          promptUsdPerToken: sync.promptUsdPerToken * factor,
          completionUsdPerToken: sync.completionUsdPerToken * factor,
        };
  };
  return {
    resolve: (requested) => (requested === AUTO_MODEL ? servedModel : requested),
    pricesOf,
    listing: () => ({
      data: [
        modelEntry(AUTO_MODEL, "Auto Router", { prompt: "-1", completion: "-1" }),
        ...models.flatMap((id) => [
          modelEntry(id, id, priceStrings(pricesOf(id, "sync"))),
          modelEntry(
            `${id}${BATCH_VARIANT_SUFFIX}`,
            `${id} (batch)`,
            priceStrings(pricesOf(id, "batch")),
            id,
          ),
        ]),
      ],
    }),
  };
}

export function stripBatchSuffix(model: string): string {
  return model.endsWith(BATCH_VARIANT_SUFFIX)
    ? model.slice(0, -BATCH_VARIANT_SUFFIX.length)
    : model;
}

function modelEntry(
  id: string,
  name: string,
  pricing: { prompt: string; completion: string },
  canonicalSlug: string = id,
): Record<string, unknown> {
  return {
    id,
    canonical_slug: canonicalSlug,
    name,
    created: 1_720_000_000,
    description: `${name}, as simulated by rescue-llm's fake OpenRouter.`,
    context_length: 128_000,
    architecture: {
      modality: "text->text",
      input_modalities: ["text"],
      output_modalities: ["text"],
      tokenizer: "Other",
    },
    pricing: { ...pricing, request: "0", image: "0", web_search: "0", internal_reasoning: "0" },
    top_provider: { context_length: 128_000, max_completion_tokens: 16_384, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ["max_tokens", "temperature", "response_format", "structured_outputs"],
  };
}

/** OpenRouter writes prices as plain decimals ("0.00000015"), never in exponent form. */
function priceStrings(prices: FakeTokenPrices): { prompt: string; completion: string } {
  return {
    prompt: decimalString(prices.promptUsdPerToken),
    completion: decimalString(prices.completionUsdPerToken),
  };
}

function decimalString(value: number): string {
  const fixed = value.toFixed(15).replace(/0+$/, "");
  return fixed.endsWith(".") ? fixed.slice(0, -1) : fixed;
}
