// Port for enrichment work larger than one request: an organization or a list of ids.
// Two adapters: in-process (no REDIS_URL) and BullMQ on Redis (distributed workers).
import type { ProcessingType } from "../config.js";
import type { RunPlan } from "../enrichment/pipeline/run-request.js";

export type JobStateName = "queued" | "running" | "completed" | "failed" | "cancelled";

export interface JobState {
  readonly id: string;
  readonly state: JobStateName;
  readonly processingType: ProcessingType;
  /** Items (animal × target language) the job covers. */
  readonly total: number;
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly llmCalls: number;
  readonly costUsd: number;
  /** Chunks that used up their attempts (distributed mode), with the last error. */
  readonly failedChunks: readonly { readonly chunkId: string; readonly error: string }[];
  /** ISO 8601. */
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

export interface JobQueue {
  readonly kind: "in-process" | "redis";
  /** Enqueues a resolved plan; enqueueing the same work twice returns the same id. */
  enqueue(plan: RunPlan): Promise<{ id: string }>;
  get(id: string): Promise<JobState | undefined>;
  list(options?: { limit?: number }): Promise<JobState[]>;
  /** Calls `listener` on every change of the job until the returned function is called. */
  subscribe(id: string, listener: (state: JobState) => void): () => void;
  close(): Promise<void>;
}
