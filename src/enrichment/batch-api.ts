// The core's port to a provider's Batch API (OpenRouter's: many chat requests in one job, at
// about half the price, answered within 24 hours). Implemented by src/llm/openrouter-batch-
// client.ts; tests reach it through the fake OpenRouter, never by mocking this interface.
import type { LlmError } from "../errors.js";
import type { LlmRequest, LlmResponse } from "./llm-client.js";

export const PROVIDER_BATCH_STATUSES = [
  "validating",
  "in_progress",
  "finalizing",
  "completed",
  "failed",
  "expired",
  "cancelling",
  "cancelled",
] as const;
export type ProviderBatchStatus = (typeof PROVIDER_BATCH_STATUSES)[number];

const TERMINAL: ReadonlySet<ProviderBatchStatus> = new Set([
  "completed",
  "failed",
  "expired",
  "cancelled",
]);

/** completed, failed, expired and cancelled: the batch will not change any more. */
export function isTerminalBatchStatus(status: ProviderBatchStatus): boolean {
  return TERMINAL.has(status);
}

export interface ProviderBatch {
  readonly id: string;
  readonly status: ProviderBatchStatus;
  readonly model: string;
  readonly createdAtMs: number;
  readonly finalizedAtMs: number | undefined;
  /** After this the provider no longer completes unfinished requests (undefined: no hard end). */
  readonly expiresAtMs: number | undefined;
  readonly requestCounts: {
    readonly total: number;
    readonly completed: number;
    readonly failed: number;
  };
  /** Once finished: what the batch used, and (`costUsd`) what the provider charges for it. */
  readonly usage:
    | {
        readonly promptTokens: number;
        readonly completionTokens: number;
        readonly costUsd: number | undefined;
      }
    | undefined;
  /** Why a `failed` batch failed, in the provider's words. */
  readonly failureMessage: string | undefined;
}

/** One request of a batch; the model is the batch's. */
export interface BatchRequestItem {
  /** Ours, unique within the batch: ties the answer back to (animal, type, language, attempt). */
  readonly customId: string;
  readonly request: Omit<LlmRequest, "model" | "signal">;
}

/**
 * A batch request's answer. `costUsd` is 0 unless the provider reports a cost per request;
 * OpenRouter reports it for the batch as a whole (`ProviderBatch.usage.costUsd`).
 */
export type BatchAnswer = Omit<LlmResponse, "latencyMs" | "attempts">;

export type BatchItemOutcome =
  | { readonly kind: "answered"; readonly customId: string; readonly answer: BatchAnswer }
  /** The request ran and failed (an error result, or a response that carries an error). */
  | { readonly kind: "failed"; readonly customId: string; readonly error: LlmError }
  /** The request never ran: the batch expired or was cancelled first. Worth sending again. */
  | {
      readonly kind: "not_run";
      readonly customId: string;
      readonly reason: "expired" | "cancelled";
      readonly message: string;
    };

export interface BatchResultsPage {
  readonly items: readonly BatchItemOutcome[];
  /** Pass as `cursor` for the next page; undefined on the last page. */
  readonly nextCursor: string | undefined;
}

export interface BatchListPage {
  /** Newest first. */
  readonly batches: readonly ProviderBatch[];
  /** Pass as `after` for the next page; undefined on the last page. */
  readonly nextAfter: string | undefined;
}

export interface BatchApiLimits {
  readonly maxRequests: number;
  /** Of the whole submission body. */
  readonly maxBodyBytes: number;
}

type Signal = { readonly signal?: AbortSignal };

export interface BatchApi {
  readonly limits: BatchApiLimits;
  /**
   * Submits one batch. Not retried once the request may have reached the provider (a retry
   * could create a second batch): such failures throw BatchSubmissionUncertainError.
   */
  submit(
    input: { readonly model: string; readonly items: readonly BatchRequestItem[] } & Signal,
  ): Promise<ProviderBatch>;
  get(batchId: string, options?: Signal): Promise<ProviderBatch>;
  list(
    options?: { readonly after?: string; readonly limit?: number } & Signal,
  ): Promise<BatchListPage>;
  /** One page of a finished batch's results. */
  resultsPage(
    batchId: string,
    options?: { readonly cursor?: string; readonly limit?: number } & Signal,
  ): Promise<BatchResultsPage>;
  /** Every result of a finished batch, read page by page. */
  results(
    batchId: string,
    options?: { readonly pageSize?: number } & Signal,
  ): AsyncIterable<BatchItemOutcome>;
  /** Deletes a finished batch and its stored requests and results (the provider keeps billing records). */
  deleteBatch(batchId: string, options?: Signal): Promise<void>;
}
