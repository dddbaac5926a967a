// Port for enrichment work larger than one request: an organization or a list of ids.
// Two adapters: in-process (no REDIS_URL) and BullMQ on Redis (distributed workers).
import type { LanguageCode, ProcessingType } from "../config.js";

export interface JobSpec {
  readonly processingType: ProcessingType;
  readonly organizationConfigId?: string;
  readonly animalIds?: readonly number[];
  readonly targetLanguages?: readonly LanguageCode[];
  readonly force?: boolean;
  readonly limit?: number;
}

export type JobStateName = "queued" | "running" | "completed" | "failed" | "cancelled";

export interface JobState {
  readonly id: string;
  readonly state: JobStateName;
  readonly processing_type: ProcessingType;
  readonly total: number;
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly llm_calls: number;
  readonly cost_usd: number;
  /** Chunks that used up their attempts (distributed mode), with the last error. */
  readonly failed_chunks: readonly { readonly chunk_id: string; readonly error: string }[];
  readonly created_at: string;
  readonly finished_at: string | null;
}

export interface JobQueue {
  readonly kind: "in-process" | "redis";
  /** Enqueues the work; enqueueing the same work twice returns the same id. */
  enqueue(spec: JobSpec): Promise<{ id: string }>;
  get(id: string): Promise<JobState | undefined>;
  list(options?: { limit?: number }): Promise<JobState[]>;
  /** Calls `listener` on every change of the job until the returned function is called. */
  subscribe(id: string, listener: (state: JobState) => void): () => void;
  close(): Promise<void>;
}
