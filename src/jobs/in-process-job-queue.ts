// JobQueue without Redis: jobs run in this process in the background (a few at a time) and
// their state lives in memory, for the HTTP job endpoints and their event stream.
import PQueue from "p-queue";
import type { RunControl, RunPlan } from "../enrichment/pipeline/run-request.js";
import type { RunProgress, RunSummary } from "../enrichment/pipeline/run-types.js";
import type { Logger } from "../logger.js";
import { contentId } from "./chunk-plan.js";
import {
  FINISHED_JOB_STATES,
  finishedJobState,
  type JobQueue,
  type JobState,
} from "./job-queue.js";

export interface InProcessJobQueueDeps {
  /** One pipeline run: `(plan, control) => runEnrichment(pipeline, plan, control)`. */
  readonly run: (plan: RunPlan, control: RunControl) => Promise<RunSummary>;
  readonly logger: Logger;
  /** Jobs running at once; each is a full pipeline run with its own call window. */
  readonly maxConcurrentJobs?: number;
  /** Finished jobs kept for `get`/`list`. */
  readonly keepFinishedJobs?: number;
}

interface Entry {
  state: JobState;
  readonly controller: AbortController;
  readonly listeners: Set<(state: JobState) => void>;
}

const FINISHED = FINISHED_JOB_STATES;

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

  const execute = async (entry: Entry, plan: RunPlan) => {
    if (entry.controller.signal.aborted)
      return update(entry, { state: "cancelled", finishedAt: now() });
    update(entry, { state: "running" });
    try {
      const summary = await deps.run(plan, {
        runId: entry.state.id,
        signal: entry.controller.signal,
        onProgress: (p) => update(entry, fromProgress(p)),
      });
      const cancelled = entry.controller.signal.aborted;
      const stop = cancelled ? undefined : summary.stop;
      update(entry, {
        total: Math.max(entry.state.total, summary.processed),
        done: summary.processed,
        succeeded: summary.succeeded,
        failed: summary.failed,
        skipped: summary.skipped,
        llmCalls: summary.llmCalls,
        costUsd: summary.costUsd,
        state: cancelled
          ? "cancelled"
          : finishedJobState({
              succeeded: summary.succeeded,
              failed: summary.failed,
              stopped: stop !== undefined,
            }),
        failedChunks:
          stop === undefined
            ? []
            : [{ chunkId: entry.state.id, error: `${stop.error.code}: ${stop.error.message}` }],
        finishedAt: now(),
      });
    } catch (error) {
      deps.logger.error({ err: error, jobId: entry.state.id }, "in-process job failed");
      const message = error instanceof Error ? error.message : "unexpected error";
      update(entry, {
        state: "failed",
        failedChunks: [{ chunkId: entry.state.id, error: message }],
        finishedAt: now(),
      });
    } finally {
      forgetOldJobs();
    }
  };

  return {
    kind: "in-process",

    enqueue(plan) {
      const id = contentId("job", [
        plan.definition.name,
        plan.organization?.id ?? null,
        plan.animalIds ?? null,
        plan.targetLanguages.length > 0 ? plan.targetLanguages : null,
        plan.force,
        plan.limit ?? null,
        ...(plan.transport === "batch" ? ["batch"] : []),
      ]);
      const existing = jobs.get(id);
      if (existing && !FINISHED.has(existing.state.state)) return Promise.resolve({ id });
      const entry: Entry = {
        state: {
          id,
          state: "queued",
          processingType: plan.definition.name,
          total: 0,
          done: 0,
          succeeded: 0,
          failed: 0,
          skipped: 0,
          llmCalls: 0,
          costUsd: 0,
          failedChunks: [],
          createdAt: now(),
          finishedAt: null,
        },
        controller: new AbortController(),
        listeners: existing?.listeners ?? new Set(),
      };
      jobs.delete(id); // re-insert so `list` stays in creation order
      jobs.set(id, entry);
      void runner.add(() => execute(entry, plan));
      return Promise.resolve({ id });
    },

    get(id) {
      return Promise.resolve(jobs.get(id)?.state);
    },

    list(options = {}) {
      return Promise.resolve(
        [...jobs.values()]
          .map((e) => e.state)
          .reverse()
          .slice(0, options.limit ?? 50),
      );
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
    llmCalls: p.llmCalls,
    costUsd: p.costUsd,
  };
}

function now(): string {
  return new Date().toISOString();
}
