// JobQueue without Redis: jobs run in this process in the background (a few at a time) and
// their state lives in memory, for the HTTP job endpoints and their event stream.
import PQueue from "p-queue";
import type { LanguageCode } from "../config.js";
import type { RunProgress, RunRequest, RunSummary } from "../enrichment/pipeline/run-types.js";
import type { Logger } from "../logger.js";
import { contentId } from "./chunk-plan.js";
import type { JobQueue, JobSpec, JobState } from "./job-queue.js";

export interface InProcessJobQueueDeps {
  readonly run: (request: RunRequest) => Promise<RunSummary>;
  readonly logger: Logger;
  /** Jobs running at once; each is a full pipeline run with its own call window. */
  readonly maxConcurrentJobs?: number;
  /** Finished jobs kept for `get`/`list`. */
  readonly keepFinishedJobs?: number;
  readonly defaultTargetLanguages: readonly LanguageCode[];
}

interface Entry {
  state: JobState;
  readonly controller: AbortController;
  readonly listeners: Set<(state: JobState) => void>;
}

const FINISHED = new Set(["completed", "failed", "cancelled"]);

export function createInProcessJobQueue(deps: InProcessJobQueueDeps): JobQueue {
  const runner = new PQueue({ concurrency: deps.maxConcurrentJobs ?? 1 });
  const jobs = new Map<string, Entry>();
  const keep = deps.keepFinishedJobs ?? 100;

  const update = (entry: Entry, patch: Partial<JobState>) => {
    entry.state = { ...entry.state, ...patch };
    for (const listener of entry.listeners) listener(entry.state);
  };

  const forgetOldJobs = () => {
    const finished = [...jobs.values()].filter((e) => FINISHED.has(e.state.state));
    for (const entry of finished.slice(0, Math.max(0, finished.length - keep)))
      jobs.delete(entry.state.id);
  };

  const execute = async (entry: Entry, spec: JobSpec) => {
    if (entry.controller.signal.aborted)
      return update(entry, { state: "cancelled", finished_at: now() });
    update(entry, { state: "running" });
    try {
      const summary = await deps.run({
        processingType: spec.processingType,
        ...(spec.organizationConfigId !== undefined
          ? { organizationConfigId: spec.organizationConfigId }
          : {}),
        ...(spec.animalIds !== undefined ? { animalIds: spec.animalIds } : {}),
        ...(spec.targetLanguages !== undefined ? { targetLanguages: spec.targetLanguages } : {}),
        ...(spec.limit !== undefined ? { limit: spec.limit } : {}),
        force: spec.force ?? false,
        runId: entry.state.id,
        signal: entry.controller.signal,
        onProgress: (p) => update(entry, fromProgress(p)),
      });
      const stoppedEarly = summary.stopped !== undefined && !entry.controller.signal.aborted;
      update(entry, {
        total: Math.max(entry.state.total, summary.total_processed),
        done: summary.succeeded + summary.failed + summary.skipped,
        succeeded: summary.succeeded,
        failed: summary.failed,
        skipped: summary.skipped,
        llm_calls: summary.llm_calls,
        cost_usd: summary.cost_usd,
        state: entry.controller.signal.aborted
          ? "cancelled"
          : stoppedEarly
            ? "failed"
            : "completed",
        failed_chunks: stoppedEarly
          ? [
              {
                chunk_id: entry.state.id,
                error: `${summary.stopped?.code}: ${summary.stopped?.message}`,
              },
            ]
          : [],
        finished_at: now(),
      });
    } catch (error) {
      deps.logger.error({ err: error, jobId: entry.state.id }, "in-process job failed");
      const message = error instanceof Error ? error.message : "unexpected error";
      update(entry, {
        state: "failed",
        failed_chunks: [{ chunk_id: entry.state.id, error: message }],
        finished_at: now(),
      });
    } finally {
      forgetOldJobs();
    }
  };

  return {
    kind: "in-process",

    async enqueue(spec) {
      const languages =
        spec.processingType === "translation"
          ? [...new Set(spec.targetLanguages ?? deps.defaultTargetLanguages)].sort()
          : null;
      const id = contentId("job", [
        spec.processingType,
        spec.organizationConfigId ?? null,
        spec.animalIds ? [...new Set(spec.animalIds)].sort((a, b) => a - b) : null,
        languages,
        spec.force ?? false,
        spec.limit ?? null,
      ]);
      const existing = jobs.get(id);
      if (existing && !FINISHED.has(existing.state.state)) return { id };
      const entry: Entry = {
        state: {
          id,
          state: "queued",
          processing_type: spec.processingType,
          total: 0,
          done: 0,
          succeeded: 0,
          failed: 0,
          skipped: 0,
          llm_calls: 0,
          cost_usd: 0,
          failed_chunks: [],
          created_at: now(),
          finished_at: null,
        },
        controller: new AbortController(),
        listeners: existing?.listeners ?? new Set(),
      };
      jobs.delete(id); // re-insert so `list` stays in creation order
      jobs.set(id, entry);
      void runner.add(() =>
        execute(entry, { ...spec, ...(languages ? { targetLanguages: languages } : {}) }),
      );
      return { id };
    },

    async get(id) {
      return jobs.get(id)?.state;
    },

    async list(options = {}) {
      return [...jobs.values()]
        .map((e) => e.state)
        .reverse()
        .slice(0, options.limit ?? 50);
    },

    subscribe(id, listener) {
      const entry = jobs.get(id);
      if (!entry) return () => undefined;
      entry.listeners.add(listener);
      listener(entry.state);
      return () => entry.listeners.delete(listener);
    },

    async close() {
      runner.clear();
      for (const entry of jobs.values()) entry.controller.abort();
      await runner.onIdle();
    },
  };
}

function fromProgress(p: RunProgress): Partial<JobState> {
  return {
    total: p.total,
    done: p.done,
    succeeded: p.succeeded,
    failed: p.failed,
    skipped: p.skipped,
    llm_calls: p.llmCalls,
    cost_usd: p.costUsd,
  };
}

function now(): string {
  return new Date().toISOString();
}
