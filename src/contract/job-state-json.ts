// A queued job as `jobs --json`, GET /api/llm/jobs/:id and its event stream show it.
import type { JobState, JobStateName } from "../jobs/job-queue.js";

export interface JobStateJson {
  readonly id: string;
  readonly state: JobStateName;
  readonly processing_type: string;
  readonly total: number;
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly llm_calls: number;
  readonly cost_usd: number;
  readonly failed_chunks: { chunk_id: string; error: string }[];
  readonly created_at: string;
  readonly finished_at: string | null;
}

export function toJobStateJson(job: JobState): JobStateJson {
  return {
    id: job.id,
    state: job.state,
    processing_type: job.processingType,
    total: job.total,
    done: job.done,
    succeeded: job.succeeded,
    failed: job.failed,
    skipped: job.skipped,
    llm_calls: job.llmCalls,
    cost_usd: job.costUsd,
    failed_chunks: job.failedChunks.map((c) => ({ chunk_id: c.chunkId, error: c.error })),
    created_at: job.createdAt,
    finished_at: job.finishedAt,
  };
}
