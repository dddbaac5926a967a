// `--dry-run`: what a run would do — how many items, a few samples, and a token and cost
// estimate — without any LLM call or write.
import type { Config } from "../../config.js";
import { estimateRunTokens } from "../estimate-tokens.js";
import type { EnrichmentStore } from "./enrichment-store.js";
import { assertFeatureEnabled, candidateFilter } from "./run-enrichment.js";
import type { DryRunSummary, RunRequest } from "./run-types.js";

/**
 * USD per million tokens assumed for the estimate (a small current model's list price);
 * `openrouter/auto` may route elsewhere, so treat the figure as an order of magnitude.
 */
export const ESTIMATE_PRICE_PER_MILLION = { prompt: 0.15, completion: 0.6 } as const;

export async function planDryRun(
  deps: { readonly config: Config; readonly store: EnrichmentStore },
  request: RunRequest,
): Promise<DryRunSummary> {
  assertFeatureEnabled(deps.config, request.processingType);
  const filter = candidateFilter(deps.config, request);
  const totals = await deps.store.countCandidates(filter);
  const items = Math.min(totals.items, request.limit ?? Number.POSITIVE_INFINITY);
  const share = totals.items === 0 ? 0 : items / totals.items;
  const { promptTokens, completionTokens } = estimateRunTokens(
    request.processingType,
    items,
    totals.sourceChars * share,
  );
  const samples = await deps.store.sampleCandidates(filter, Math.min(3, items));
  return {
    would_process: items,
    samples: samples.map((s) => ({
      animalId: s.animalId,
      name: s.name,
      ...(s.targetLanguage !== "" && { targetLanguage: s.targetLanguage }),
      sourceChars: (request.processingType === "translation"
        ? (s.enrichedDescription ?? s.description ?? "")
        : (s.description ?? "")
      ).length,
    })),
    estimated_prompt_tokens: promptTokens,
    estimated_completion_tokens: completionTokens,
    estimated_cost_usd:
      Math.round(
        ((promptTokens * ESTIMATE_PRICE_PER_MILLION.prompt +
          completionTokens * ESTIMATE_PRICE_PER_MILLION.completion) /
          1e6) *
          1e4,
      ) / 1e4,
  };
}
