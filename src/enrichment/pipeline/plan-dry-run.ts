// `--dry-run`: what a run of the plan would do — how many items, a few samples, and a token
// and cost estimate — without any LLM call or write.
import { estimateRunTokens } from "../estimate-tokens.js";
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
  deps: { readonly store: EnrichmentStore },
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
    estimatedCostUsd:
      Math.round(
        ((promptTokens * ESTIMATE_PRICE_PER_MILLION.prompt +
          completionTokens * ESTIMATE_PRICE_PER_MILLION.completion) /
          1e6) *
          1e4,
      ) / 1e4,
  };
}
