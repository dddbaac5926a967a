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
  /** Batch mode only (the provider's Batch API); absent for a synchronous run. */
  readonly transport?: "batch";
  /** Items whose batch request did not run (expired, cancelled): pending again. */
  readonly returned_to_pending?: number;
  /** Provider batch ids still open when the run stopped waiting: a rerun resumes them. */
  readonly open_batches?: readonly string[];
  /** Batch mode: the provider's request counts. */
  readonly batch_requests?: { total: number; completed: number; failed: number; batches: number };
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
    // Batch mode adds what a user needs to follow it; a synchronous run keeps SPEC §4's keys.
    ...(summary.transport === "batch" && {
      transport: "batch" as const,
      returned_to_pending: summary.returnedToPending ?? 0,
      open_batches: summary.openBatches ?? [],
      ...(summary.batch && {
        batch_requests: {
          total: summary.batch.requests,
          completed: summary.batch.completed,
          failed: summary.batch.failed,
          batches: summary.batch.batches,
        },
      }),
    }),
  };
}
