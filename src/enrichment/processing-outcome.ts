// What each processing function returns: a value, the reasons it failed, or why it was
// skipped — plus every LLM call it made, so the caller can write llm_processing_logs rows.
import type { LlmError, LlmErrorCategory } from "../errors.js";
import type { SkipReason } from "./skip-reason.js";

export interface LlmCallRecord {
  /** The served model (the requested one when the call failed or was a cache hit without one). */
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  readonly latencyMs: number;
  readonly cacheHit: boolean;
  /** HTTP attempts inside this call, retries included (0 for a cache hit). */
  readonly attempts: number;
  /**
   * accepted: passed every check; rejected: answered but failed checks; declined: answered that
   * the source gives nothing to write from (the item is skipped); error: the call failed.
   */
  readonly status: "accepted" | "rejected" | "declined" | "error";
  readonly errorCategory?: LlmErrorCategory;
  /** The provider's error itself, when the call failed (status "error"). */
  readonly error?: LlmError;
  /** Why a rejected answer or a failed call did not count. */
  readonly reasons?: readonly string[];
  /** The provider batch that answered, when the call went through the Batch API. */
  readonly providerBatchId?: string;
  /** `verification`: a claim check of an output (LLM_VERIFY); absent = the output's own call. */
  readonly callKind?: "generation" | "verification";
}

/** What a call without an answer from the provider used: nothing. */
const NO_USAGE = { promptTokens: 0, completionTokens: 0, costUsd: 0, attempts: 0 } as const;

/** A call that failed: no answer to count (zero tokens), its error and why it does not count. */
export function failedCallRecord(
  model: string,
  startedMs: number,
  error: LlmError,
  reason: string = error.message,
): LlmCallRecord {
  return {
    ...NO_USAGE,
    model,
    latencyMs: Math.round(performance.now() - startedMs),
    cacheHit: false,
    status: "error",
    errorCategory: error.category,
    reasons: [reason],
    error,
  };
}

/** An answer the cache gave: no call, no tokens. */
export function cacheHitRecord(
  model: string,
  status: LlmCallRecord["status"] = "accepted",
): LlmCallRecord {
  return { ...NO_USAGE, model, latencyMs: 0, cacheHit: true, status };
}

export type ProcessingOutcome<V> =
  | {
      readonly status: "succeeded";
      readonly value: V;
      /** The model that served the accepted answer. */
      readonly model: string;
      readonly promptVersion: string;
      /** Guard notes on an accepted value, e.g. "good_with_cats_forced_unknown", "reasked". */
      readonly flags: readonly string[];
      /** Detected language of the source (ISO 639-1), undefined when too short to tell. */
      readonly sourceLanguage: string | undefined;
      readonly calls: readonly LlmCallRecord[];
    }
  | {
      readonly status: "failed";
      readonly reasons: readonly string[];
      readonly promptVersion: string;
      readonly sourceLanguage: string | undefined;
      readonly calls: readonly LlmCallRecord[];
    }
  | {
      readonly status: "skipped";
      readonly code: SkipReason;
      /** For people: what made it skip, with the numbers. */
      readonly reason: string;
      /** Further flags stored with the skip (e.g. the listing status it was skipped for). */
      readonly flags?: readonly string[];
      readonly sourceLanguage: string | undefined;
      /** Empty for a skip decided before any call; the declining call for one the model made. */
      readonly calls: readonly LlmCallRecord[];
    };
