// `--dry-run --json`: the dry run in the same snake_case style as the SPEC's summaries.
import type { DryRunSummary } from "../enrichment/pipeline/run-types.js";
import type { SkipReason } from "../enrichment/skip-reason.js";

export interface DryRunJson {
  readonly dry_run: true;
  /** Items a run would take now: would_call + would_skip + cached + without_call. */
  readonly would_process: number;
  readonly would_call: number;
  readonly would_skip: Readonly<Partial<Record<SkipReason, number>>>;
  readonly cached: number;
  readonly without_call: number;
  /** Not taken: their result is current. */
  readonly up_to_date: number;
  readonly held_by_other_runs: number;
  readonly samples: readonly {
    readonly animal_id: number;
    readonly name: string;
    readonly target_language?: string;
    readonly source_chars: number;
  }[];
  readonly estimated_prompt_tokens: number;
  readonly estimated_completion_tokens: number;
  /** null when the model's price is unknown (price.reason says why). */
  readonly estimated_cost_usd: number | null;
  readonly price:
    | {
        readonly known: true;
        readonly model: string;
        /** USD per million tokens, as listed by GET /models. */
        readonly prompt_usd_per_million: number;
        readonly completion_usd_per_million: number;
      }
    | { readonly known: false; readonly model: string; readonly reason: string };
  /** The same calls through the Batch API; null when the price is unknown. */
  readonly estimated_batch_cost_usd: number | null;
  /** The verification calls (LLM_VERIFY) included above; null when outputs are not verified. */
  readonly verification: {
    readonly calls: number;
    readonly model: string;
    readonly estimated_prompt_tokens: number;
    readonly estimated_completion_tokens: number;
  } | null;
}

export function toDryRunJson(plan: DryRunSummary): DryRunJson {
  const price = plan.price;
  return {
    dry_run: true,
    would_process: plan.itemCount,
    would_call: plan.wouldCall,
    would_skip: plan.wouldSkip,
    cached: plan.cached,
    without_call: plan.withoutCall,
    up_to_date: plan.upToDate,
    held_by_other_runs: plan.heldByOtherRuns,
    samples: plan.samples.map((s) => ({
      animal_id: s.animalId,
      name: s.name,
      ...(s.targetLanguage !== undefined && { target_language: s.targetLanguage }),
      source_chars: s.sourceChars,
    })),
    estimated_prompt_tokens: plan.estimatedPromptTokens,
    estimated_completion_tokens: plan.estimatedCompletionTokens,
    estimated_cost_usd: plan.estimatedCostUsd ?? null,
    estimated_batch_cost_usd: plan.estimatedBatchCostUsd ?? null,
    verification:
      plan.verification === undefined
        ? null
        : {
            calls: plan.verification.calls,
            model: plan.verification.model,
            estimated_prompt_tokens: plan.verification.promptTokens,
            estimated_completion_tokens: plan.verification.completionTokens,
          },
    price: price.known
      ? {
          known: true,
          model: price.modelId,
          prompt_usd_per_million: perMillion(price.sync.promptUsdPerToken),
          completion_usd_per_million: perMillion(price.sync.completionUsdPerToken),
        }
      : { known: false, model: price.modelId, reason: price.reason },
  };
}

/** USD per million tokens, without float noise. */
export function perMillion(usdPerToken: number): number {
  return Math.round(usdPerToken * 1e6 * 1e6) / 1e6;
}
