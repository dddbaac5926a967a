// `--dry-run`: what a run would do — how many items, a few samples, and a token and cost
// estimate — without any LLM call or write.
import type { Config } from "../../config.js";
import type { EnrichmentStore } from "./enrichment-store.js";
import { assertFeatureEnabled, candidateFilter } from "./run-enrichment.js";
import type { DryRunSummary, RunRequest } from "./run-types.js";

const CHARS_PER_TOKEN = 4;
/** System prompt, facts block and delimiters around each source, in tokens. */
const PROMPT_OVERHEAD_TOKENS = {
  description_cleaning: 350,
  dog_profiler: 700,
  translation: 250,
} as const;
/** Output size relative to the source (profiles are a fixed-size JSON object). */
const COMPLETION_ESTIMATE = {
  description_cleaning: (sourceTokens: number) => sourceTokens * 1.05,
  dog_profiler: () => 450,
  translation: (sourceTokens: number) => sourceTokens * 1.25,
} as const;
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
  const sourceTokens = (totals.sourceChars * share) / CHARS_PER_TOKEN;
  const type = request.processingType;
  const promptTokens = Math.round(sourceTokens + items * PROMPT_OVERHEAD_TOKENS[type]);
  const completionTokens = Math.round(
    type === "dog_profiler"
      ? items * COMPLETION_ESTIMATE.dog_profiler()
      : COMPLETION_ESTIMATE[type](sourceTokens),
  );
  const samples = await deps.store.sampleCandidates(filter, Math.min(3, items));
  return {
    would_process: items,
    samples: samples.map((s) => ({
      animalId: s.animalId,
      name: s.name,
      ...(s.targetLanguage !== "" && { targetLanguage: s.targetLanguage }),
      sourceChars: (s.enrichedDescription ?? s.description ?? "").length,
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
