// The batch transport's port to storage: provider batches and their custom_id → item map,
// written before a submission so that a killed run's batches are resumed, not resubmitted.
// Implemented with plain SQL in src/db/batch-store.ts (migration 011).
import type { ProviderBatch } from "../batch-api.js";

/** One request of a stored batch: which item and which attempt of it, and what was sent. */
export interface StoredBatchRequest {
  readonly customId: string;
  readonly animalId: number;
  /** '' for a type that does not fan out over languages. */
  readonly targetLanguage: string;
  /** 1 for the first ask, 2 for the re-ask with the reasons. */
  readonly attempt: number;
  /** SHA-256 of the request (model, messages, temperature, limits, format). */
  readonly requestHash: string;
}

export interface NewBatchRecord {
  /** Ours, chosen before submitting. */
  readonly id: string;
  readonly processingType: string;
  readonly model: string;
  /** The submitting run (its claims owner). */
  readonly runId: string;
  readonly requests: readonly StoredBatchRequest[];
}

/** A batch a run took over (or still waits for): enough to poll it and match its answers. */
export interface AdoptedBatch {
  readonly id: string;
  readonly providerBatchId: string;
  readonly submittedAtMs: number;
  readonly requests: readonly StoredBatchRequest[];
}

/** An open batch another live run is waiting for. */
export interface BusyBatch {
  readonly id: string;
  readonly providerBatchId: string | null;
  readonly owner: string;
  readonly heartbeatAgeMs: number;
}

/** A submission that may or may not have reached the provider (state `uncertain`). */
export interface UncertainBatch {
  readonly id: string;
  readonly model: string;
  readonly requestCount: number;
  readonly createdAtMs: number;
}

export interface BatchItemKey {
  readonly animalId: number;
  readonly targetLanguage: string;
}

export interface BatchStore {
  /** The batch (state `submitting`) and its request map, before anything is sent. */
  recordSubmission(batch: NewBatchRecord): Promise<void>;
  /** The provider has it: its id, status and expiry; the waiting run's heartbeat starts. */
  markSubmitted(id: string, provider: ProviderBatch): Promise<void>;
  /** The submission may or may not have arrived (not re-sent): for a person to check. */
  markUncertain(id: string, message: string): Promise<void>;
  /** The provider refused the submission: nothing runs. */
  markAbandoned(id: string, message: string): Promise<void>;
  /** A poll's answer: status, counts, usage; refreshes the waiting run's heartbeat. */
  recordStatus(id: string, provider: ProviderBatch): Promise<void>;
  /** Results taken in and written: the batch is no longer open. */
  markDone(ids: readonly string[]): Promise<void>;
  /** The run stopped waiting (Ctrl-C): the next run may take these over at once. */
  detach(ids: readonly string[]): Promise<void>;
  /**
   * Keeps `owner`'s claims on these items until `untilMs` (a batch's expiry), so that no other
   * run takes (and pays for) them while the batch is live.
   */
  holdClaims(
    owner: string,
    processingType: string,
    items: readonly BatchItemKey[],
    untilMs: number,
  ): Promise<void>;
  /**
   * Takes over the open batches of this type nobody waits for (heartbeat older than
   * `staleAfterMs`, or detached) together with their items' claims, for `owner`. A batch left
   * in `submitting` that long becomes `uncertain`.
   */
  adoptOpenBatches(input: {
    readonly processingType: string;
    readonly owner: string;
    readonly staleAfterMs: number;
  }): Promise<{ adopted: AdoptedBatch[]; busy: BusyBatch[] }>;
  /** Uncertain submissions of this type, oldest first. */
  uncertainBatches(processingType: string): Promise<UncertainBatch[]>;
  /** Which of these provider batch ids are recorded already (as some batch of ours). */
  recordedProviderBatchIds(ids: readonly string[]): Promise<Set<string>>;
  /**
   * An uncertain submission settled from the provider's batch list: found (it arrived; open
   * again, for the next adoption to resume) or not (it never arrived; abandoned).
   */
  settleUncertain(id: string, found: ProviderBatch | undefined, message: string): Promise<void>;
  /**
   * Items whose batch request never ran (expired, cancelled, failed batch, uncertain
   * submission): no result is written, the reason is kept, the claim is released.
   */
  returnToPending(
    processingType: string,
    owner: string,
    items: readonly (BatchItemKey & { readonly reason: string })[],
  ): Promise<void>;
}
