// `--dry-run --json`: the dry run in the same snake_case style as the SPEC's summaries.
import type { DryRunSummary } from "../enrichment/pipeline/run-types.js";

export interface DryRunJson {
  readonly dry_run: true;
  readonly would_process: number;
  readonly samples: readonly {
    readonly animal_id: number;
    readonly name: string;
    readonly target_language?: string;
    readonly source_chars: number;
  }[];
  readonly estimated_prompt_tokens: number;
  readonly estimated_completion_tokens: number;
  readonly estimated_cost_usd: number;
  readonly estimated_batch_cost_usd?: number;
  readonly price_source?: string;
}

export function toDryRunJson(plan: DryRunSummary): DryRunJson {
  return {
    dry_run: true,
    would_process: plan.itemCount,
    samples: plan.samples.map((s) => ({
      animal_id: s.animalId,
      name: s.name,
      ...(s.targetLanguage !== undefined && { target_language: s.targetLanguage }),
      source_chars: s.sourceChars,
    })),
    estimated_prompt_tokens: plan.estimatedPromptTokens,
    estimated_completion_tokens: plan.estimatedCompletionTokens,
    estimated_cost_usd: plan.estimatedCostUsd,
    ...(plan.estimatedBatchCostUsd !== undefined && {
      estimated_batch_cost_usd: plan.estimatedBatchCostUsd,
    }),
    ...(plan.priceSource !== undefined && { price_source: plan.priceSource }),
  };
}
