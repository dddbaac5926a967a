// Port for enrichment work larger than one request: an organization or a list of ids.
// Two adapters: in-process (no REDIS_URL) and BullMQ on Redis (distributed workers).
import type { ProcessingType } from "../config.js";
import type { RunPlan } from "../enrichment/pipeline/run-request.js";

export const JOB_STATE_NAMES = [
  "queued",
  "running",
  /** Every item attempted succeeded (or was skipped for a reason). */
  "completed",
  /** Finished with some items failed and some succeeded. */
  "completed_with_failures",
  /** Stopped (budget, a refused key, a chunk out of attempts), or every attempted item failed. */
  "failed",
  "cancelled",
] as const;

export type JobStateName = (typeof JOB_STATE_NAMES)[number];

/** States a job does not leave. */
export const FINISHED_JOB_STATES: ReadonlySet<JobStateName> = new Set([
  "completed",
  "completed_with_failures",
  "failed",
  "cancelled",
]);

/**
 * How a job that ran to its end finished: `failed` when it was stopped or nothing it attempted
 * succeeded, `completed_with_failures` when some items failed, else `completed`. The Redis
 * store applies the same rule in Lua (job-progress-store.ts FINISH_CHUNK).
 */
export function finishedJobState(job: {
  readonly succeeded: number;
  readonly failed: number;
  readonly stopped: boolean;
}): "completed" | "completed_with_failures" | "failed" {
  if (job.stopped) return "failed";
  if (job.failed === 0) return "completed";
  return job.succeeded === 0 ? "failed" : "completed_with_failures";
}

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
