// What a run reports while it runs and when it ends. Field names are the domain's; the SPEC's
// snake_case JSON is made from them at the edges (src/contract/).
import type { LlmError } from "../../errors.js";
import type { ModelPriceQuote } from "../model-prices.js";
import type { SkipReason } from "../skip-reason.js";
import type { BatchTransportProgress } from "./batch-transport.js";
import type { RunStop } from "./run-stop.js";

export interface RunProgress {
  /** Items the run will take (what needs work, capped by the limit). */
  readonly total: number;
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly llmCalls: number;
  readonly cacheHits: number;
  readonly costUsd: number;
  readonly elapsedMs: number;
  /** Items of the request that other live runs held when this run started: it skips them. */
  readonly heldByOtherRuns: number;
  /** Items whose batch request never ran, returned to the pending pool. */
  readonly returned?: number;
  /** Batch mode: the provider's request counts over this run's batches. */
  readonly batch?: BatchTransportProgress;
}

export interface ItemResult {
  readonly animalId: number;
  /** Absent for a type that does not fan out over languages. */
  readonly targetLanguage?: string;
  readonly status: "succeeded" | "failed" | "skipped";
  readonly reasons?: readonly string[];
  /** Set when the provider call failed (e.g. an outage), not the output's checks. */
  readonly providerError?: LlmError;
}

export interface RunSummary {
  /** Items whose outcome was written: succeeded + failed + skipped. */
  readonly processed: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  /** `skipped` by why (a code per reason; only reasons that occurred). */
  readonly skippedByReason: Readonly<Partial<Record<SkipReason, number>>>;
  /**
   * Percent of the attempted items (succeeded + failed) that succeeded, one decimal; skips do
   * not count. Undefined when nothing was attempted: there is no rate to speak of.
   */
  readonly successRatePercent: number | undefined;
  /** Items the run left alone because their result is current (same source and prompt). */
  readonly upToDate: number;
  readonly processingTimeMs: number;
  readonly llmCalls: number;
  /** Of the LLM calls, the verification pass's claim checks (LLM_VERIFY). */
  readonly verificationCalls: number;
  readonly cacheHits: number;
  readonly costUsd: number;
  /**
   * Items of the request still held by other live runs when this run ended: skipped here,
   * not done (those runs do them). 0 after a crash: a dead run's claims are free at once.
   */
  readonly heldByOtherRuns: number;
  /** Why the run ended early; undefined when it ran out of items. */
  readonly stop: RunStop | undefined;
  /** Every item when the caller named its animals; else up to 100 failures. */
  readonly items: readonly ItemResult[];
  /** How the calls reached the provider, and why (LLM_BATCH_API, --batch-api, "mode"). */
  readonly transport?: "sync" | "batch";
  readonly transportReason?: string;
  /** Items whose batch request never ran (expired, cancelled, failed): pending again, with the reason. */
  readonly returnedToPending?: number;
  /** Provider batches still open when the run stopped waiting: a rerun resumes them. */
  readonly openBatches?: readonly string[];
  readonly batch?: BatchTransportProgress;
}

export interface DryRunSample {
  readonly animalId: number;
  readonly name: string;
  /** Absent for a type that does not fan out over languages. */
  readonly targetLanguage?: string;
  readonly sourceChars: number;
}

export interface DryRunSummary {
  /** Items a run of the same plan would take now (capped by the limit). */
  readonly itemCount: number;
  /** Of those, the ones that would call the model. */
  readonly wouldCall: number;
  /** …that would be skipped without a call, by reason. */
  readonly wouldSkip: Readonly<Partial<Record<SkipReason, number>>>;
  /** …that the cache would answer. */
  readonly cached: number;
  /** …that need no call at all (e.g. text already in the target language). */
  readonly withoutCall: number;
  /** Items not taken: their result is current. */
  readonly upToDate: number;
  readonly heldByOtherRuns: number;
  /** A few of the items that would call the model. */
  readonly samples: readonly DryRunSample[];
  /**
   * Tokens of the calls a run would make (first attempts; re-asks not included), the
   * verification calls included.
   */
  readonly estimatedPromptTokens: number;
  readonly estimatedCompletionTokens: number;
  /** The default model's listed price, or why there is none. */
  readonly price: ModelPriceQuote;
  /** Undefined when the price is unknown (e.g. openrouter/auto). */
  readonly estimatedCostUsd: number | undefined;
  /** The same calls through the Batch API (--batch-api, LLM_BATCH_API). */
  readonly estimatedBatchCostUsd: number | undefined;
  /** The verification calls among them (LLM_VERIFY), with the judge's model; undefined = none. */
  readonly verification:
    | {
        readonly calls: number;
        readonly model: string;
        readonly promptTokens: number;
        readonly completionTokens: number;
      }
    | undefined;
}
