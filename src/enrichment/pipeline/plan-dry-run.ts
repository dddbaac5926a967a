// `--dry-run`: what a run of the plan would do — how many items, a few samples, and a token
// and cost estimate — without any LLM call or write.
import { estimateRunTokens } from "../estimate-tokens.js";
import { tokensCostUsd, type ModelPrices } from "../model-prices.js";
import { sourceText } from "../processing-types/source-fields.js";
import type { EnrichmentStore } from "./enrichment-store.js";
import { candidateFilter } from "./resolve-run-request.js";
import type { RunPlan } from "./run-request.js";
import type { DryRunSummary } from "./run-types.js";

/**
 * USD per million tokens assumed for the estimate (a small current model's list price);
 * `openrouter/auto` may route elsewhere, so treat the figure as an order of magnitude.
 */
export const ESTIMATE_PRICE_PER_MILLION = { prompt: 0.15, completion: 0.6 } as const;

export async function planDryRun(
  deps: {
    readonly store: EnrichmentStore;
    /** The model's real price (GET /models); without it, the small-model assumption above. */
    readonly prices?: ModelPrices;
    readonly config?: { readonly llm: { readonly defaultModel: string } };
  },
  plan: RunPlan,
): Promise<DryRunSummary> {
  const { definition } = plan;
  const filter = candidateFilter(plan);
  const totals = await deps.store.countCandidates(filter);
  const items = Math.min(totals.items, plan.limit ?? Number.POSITIVE_INFINITY);
  const share = totals.items === 0 ? 0 : items / totals.items;
  const { promptTokens, completionTokens } = estimateRunTokens(
    definition.tokens,
    items,
    totals.sourceChars * share,
  );
  const samples = await deps.store.sampleCandidates(filter, Math.min(3, items));
  const tokens = { promptTokens, completionTokens };
  const assumed = {
    promptUsdPerToken: ESTIMATE_PRICE_PER_MILLION.prompt / 1e6,
    completionUsdPerToken: ESTIMATE_PRICE_PER_MILLION.completion / 1e6,
  };
  let sync = assumed;
  let batch = {
    promptUsdPerToken: assumed.promptUsdPerToken / 2,
    completionUsdPerToken: assumed.completionUsdPerToken / 2,
  };
  let priceSource = `assumed $${ESTIMATE_PRICE_PER_MILLION.prompt}/$${ESTIMATE_PRICE_PER_MILLION.completion} per million tokens (a small model's list price)`;
  const model = deps.config?.llm.defaultModel;
  if (deps.prices !== undefined && model !== undefined) {
    try {
      const quote = await deps.prices.quote(model);
      if (quote.known) {
        sync = quote.sync;
        batch = quote.batch;
        priceSource = `${quote.modelId}'s price from GET /models (batch price ${quote.batchPriceSource === "listed" ? "listed" : "taken as 50% of it"})`;
      } else {
        priceSource += `; no real price: ${quote.reason}`;
      }
    } catch (error) {
      priceSource += `; the model list could not be read (${error instanceof Error ? error.message : "unknown error"})`;
    }
  }
  const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
  return {
    itemCount: items,
    samples: samples.map((s) => ({
      animalId: s.animalId,
      name: s.name,
      ...(s.targetLanguage !== "" && { targetLanguage: s.targetLanguage }),
      sourceChars: sourceText(definition.sourceFields, s).length,
    })),
    estimatedPromptTokens: promptTokens,
    estimatedCompletionTokens: completionTokens,
    estimatedCostUsd: round(tokensCostUsd(tokens, sync)),
    estimatedBatchCostUsd: round(tokensCostUsd(tokens, batch)),
    priceSource,
  };
}
