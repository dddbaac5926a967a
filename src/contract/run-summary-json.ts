// The SPEC §4 `--json` summary of a processing command.
import type { RunSummary } from "../enrichment/pipeline/run-types.js";

export interface RunSummaryJson {
  readonly total_processed: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  /** Percent, one decimal. */
  readonly success_rate: number;
  /** Seconds. */
  readonly processing_time: number;
  readonly llm_calls: number;
  readonly cache_hits: number;
  readonly cost_usd: number;
  /** Items other live runs held, skipped by this run (additive, issue 15). */
  readonly held_by_other_runs: number;
}

export function toRunSummaryJson(summary: RunSummary): RunSummaryJson {
  return {
    total_processed: summary.processed,
    succeeded: summary.succeeded,
    failed: summary.failed,
    skipped: summary.skipped,
    success_rate: summary.successRatePercent,
    processing_time: summary.processingTimeMs / 1000,
    llm_calls: summary.llmCalls,
    cache_hits: summary.cacheHits,
    cost_usd: summary.costUsd,
    held_by_other_runs: summary.heldByOtherRuns,
  };
}
