// The SPEC §4 `--json` summary of a processing command, plus the counters that explain it.
import type { RunSummary } from "../enrichment/pipeline/run-types.js";
import type { SkipReason } from "../enrichment/skip-reason.js";

export interface RunSummaryJson {
  readonly total_processed: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  /**
   * Percent of the attempted items (succeeded + failed) that succeeded, one decimal; null when
   * nothing was attempted (every item skipped, or nothing to do).
   */
  readonly success_rate: number | null;
  /** Seconds. */
  readonly processing_time: number;
  readonly llm_calls: number;
  /** Of them, claim checks of the verification pass (LLM_VERIFY). */
  readonly verification_calls: number;
  readonly cache_hits: number;
  /** Every call's cost, calls still in flight when a stop was asked for included. */
  readonly cost_usd: number;
  /** `skipped` by reason code (too_thin, no_source_text, listing_inactive, no_trait_stated). */
  readonly skipped_by_reason: Readonly<Partial<Record<SkipReason, number>>>;
  /** Items not taken: their result is current for the same source and prompt version. */
  readonly up_to_date: number;
  /** Items not taken: another run holds them. */
  readonly held_by_other_runs: number;
  /** True when the run found no item to take and did nothing. */
  readonly nothing_to_do: boolean;
  /** Why the run stopped early (interrupted, budget_exceeded, provider_refused, write_failed). */
  readonly stopped?: { readonly reason: string; readonly message: string };
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
    success_rate: summary.successRatePercent ?? null,
    processing_time: summary.processingTimeMs / 1000,
    llm_calls: summary.llmCalls,
    verification_calls: summary.verificationCalls,
    cache_hits: summary.cacheHits,
    cost_usd: summary.costUsd,
    skipped_by_reason: summary.skippedByReason,
    up_to_date: summary.upToDate,
    held_by_other_runs: summary.heldByOtherRuns,
    nothing_to_do: isNothingToDo(summary),
    ...(summary.stop !== undefined && {
      stopped: { reason: summary.stop.reason, message: summary.stop.error.message },
    }),
    // Batch mode adds what a user needs to follow it; a synchronous run has none of these.
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

/** A run that took no item and was not stopped: everything is up to date (or held elsewhere). */
export function isNothingToDo(summary: RunSummary): boolean {
  return (
    summary.processed === 0 &&
    summary.stop === undefined &&
    (summary.openBatches ?? []).length === 0
  );
}
