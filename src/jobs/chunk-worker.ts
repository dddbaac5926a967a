// Processes queued chunks: each is one pipeline run over its animal ids. Delivery is
// at-least-once (a chunk whose worker dies is picked up again once its lock expires); the
// pipeline's claims and source-hash skips make the rerun write each result once. Each attempt
// is a run of its own: a dead attempt's claims are free at once (its run is gone), a live
// one's — a worker starved of CPU that lost its chunk lock — stay its own, and the new
// attempt waits for it instead of doing the same items alongside it.
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { DelayedError, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { RunControl, RunPlan, RunRequest } from "../enrichment/pipeline/run-request.js";
import type { RunProgress, RunSummary } from "../enrichment/pipeline/run-types.js";
import { FeatureDisabledError, NotFoundError, ValidationError } from "../errors.js";
import type { Logger } from "../logger.js";
import { chunkDataSchema, chunkItems, type ChunkData } from "./chunk-plan.js";
import type { ChunkCounters } from "./job-progress-store.js";
import { createJobProgressStore } from "./job-progress-store.js";
import type { QueueSettings } from "./queue-settings.js";
import { bullmqConnection } from "./queue-settings.js";

export interface ChunkWorkerDeps {
  readonly redisUrl: string;
  readonly logger: Logger;
  /** Checks a chunk's request like any other: `(request) => resolveRunRequest(pipeline, request)`. */
  readonly resolve: (request: RunRequest) => Promise<RunPlan>;
  /** One pipeline run: `(plan, control) => runEnrichment(services.pipeline, plan, control)`. */
  readonly run: (plan: RunPlan, control: RunControl) => Promise<RunSummary>;
  readonly settings: QueueSettings;
}

export interface ChunkWorkerOptions {
  /** Chunks processed at once by this process. */
  readonly concurrency: number;
}

export interface ChunkWorker {
  /** Stops every worker in the queue from taking new chunks for this long (provider 429). */
  pauseIntake(pauseMs: number): void;
  /**
   * Stops taking chunks. `finish`: lets running chunks complete. `return` (default): asks
   * their runs to stop (in-flight calls finish, writes flush) and puts the chunks back on
   * the queue without using an attempt, for another worker to finish.
   */
  close(mode?: "finish" | "return"): Promise<void>;
}

/** How soon a chunk whose items another live run still holds is tried again. */
const HELD_RETRY_MS = 1_000;

/** A chunk whose request is refused like this fails for good: retrying cannot change it. */
const REFUSED_REQUEST = [ValidationError, NotFoundError, FeatureDisabledError];

export function startChunkWorker(deps: ChunkWorkerDeps, options: ChunkWorkerOptions): ChunkWorker {
  const { settings, logger } = deps;
  const redis = new Redis(deps.redisUrl, { maxRetriesPerRequest: null });
  const store = createJobProgressStore(redis, `${settings.prefix}:${settings.queueName}`);
  const queue = new Queue<ChunkData>(settings.queueName, {
    connection: bullmqConnection(deps.redisUrl),
    prefix: settings.prefix,
  });
  const running = new Map<string, AbortController>();
  let returning = false;

  const processChunk = async (job: Job<ChunkData>, token?: string) => {
    const chunkId = job.id ?? "";
    const { parentId } = job.data;
    const attempt = job.attemptsStarted;
    // Unique per attempt: claims name a run, and a retried chunk is not the run it replaces.
    const runId = `chunk-${chunkId}-${attempt}-${randomUUID().slice(0, 8)}`;
    const controller = new AbortController();
    running.set(chunkId, controller);
    // Progress writes are chained so Redis sees them in order.
    let writes = Promise.resolve();
    const record = (counters: ChunkCounters) => {
      writes = writes
        .then(() => store.recordProgress(parentId, chunkId, attempt, runId, counters))
        .catch((error: unknown) =>
          logger.warn({ err: error, chunkId }, "could not record chunk progress"),
        );
    };
    const returnChunk = async (delayMs = 0) => {
      // Shutdown: hand the rest to another worker now instead of after the lock expires.
      await writes;
      await job.moveToDelayed(Date.now() + delayMs, token);
      throw new DelayedError();
    };
    try {
      const parsed = chunkDataSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`chunk data is not valid: ${parsed.error.message}`);
      const data = parsed.data;
      let plan: RunPlan;
      try {
        plan = await deps.resolve({
          processingType: data.processingType,
          animalIds: data.animalIds,
          targetLanguages: data.targetLanguages,
          batchSize: data.batchSize,
          limit: data.limit,
          force: data.force,
          mode: data.mode,
        });
      } catch (error) {
        if (REFUSED_REQUEST.some((kind) => error instanceof kind)) {
          throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
        }
        throw error;
      }
      let summary: RunSummary;
      try {
        summary = await deps.run(plan, {
          runId,
          signal: controller.signal,
          onProgress: (progress) => record(countersFromProgress(progress)),
        });
      } catch (error) {
        if (returning) return await returnChunk();
        throw error;
      }
      const items = chunkItems(data);
      const unfinished = summary.processed < items;
      if (returning && unfinished) return await returnChunk();
      // Another live run (an earlier attempt that lost its chunk lock but not its process)
      // still does some of these items: finish the chunk once it is done with them.
      if (summary.heldByOtherRuns > 0 && summary.stop === undefined) {
        logger.info(
          { chunkId, held: summary.heldByOtherRuns },
          "chunk items held by another live run; trying again shortly",
        );
        return await returnChunk(HELD_RETRY_MS);
      }
      record(countersFromSummary(summary, items));
      await writes;
      // The account or the budget: no retry of the chunk can fix that.
      if (summary.stop?.fatal) {
        throw new UnrecoverableError(`${summary.stop.error.code}: ${summary.stop.error.message}`);
      }
      await store.finishChunk(parentId, chunkId);
      return {
        succeeded: summary.succeeded,
        failed: summary.failed,
        skipped: summary.skipped,
        llmCalls: summary.llmCalls,
        costUsd: summary.costUsd,
      };
    } finally {
      running.delete(chunkId);
    }
  };

  const worker = new Worker<ChunkData>(settings.queueName, processChunk, {
    connection: bullmqConnection(deps.redisUrl),
    prefix: settings.prefix,
    concurrency: options.concurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
    // No real limit on chunk starts (the provider gate meters requests); having a limiter
    // is what makes `queue.rateLimit()` pause intake on every worker after a 429.
    limiter: { max: 1_000_000, duration: 1_000 },
  });

  worker.on("failed", (job, error) => {
    if (!job || error instanceof DelayedError) return;
    const final =
      error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    logger.warn({ chunkId: job.id, attempt: job.attemptsMade, final, err: error }, "chunk failed");
    if (final && job.id) {
      void store
        .finishChunk(job.data.parentId, job.id, error.message || error.name)
        .catch((e: unknown) =>
          logger.error({ err: e, chunkId: job.id }, "could not record failed chunk"),
        );
    }
  });
  worker.on("error", (error) => logger.error({ err: error }, "queue worker error"));

  return {
    pauseIntake(pauseMs) {
      queue
        .rateLimit(pauseMs)
        .catch((error: unknown) => logger.warn({ err: error }, "could not pause intake"));
    },
    async close(mode = "return") {
      if (mode === "return") {
        returning = true;
        for (const controller of running.values()) controller.abort();
      }
      await worker.close();
      await queue.close();
      redis.disconnect();
    },
  };
}

function countersFromProgress(p: RunProgress): ChunkCounters {
  return {
    done: p.done,
    succeeded: p.succeeded,
    failed: p.failed,
    skipped: p.skipped,
    llmCalls: p.llmCalls,
    costUsd: p.costUsd,
  };
}

/** Items the pipeline left out (already done for this source and prompt) count as skipped. */
function countersFromSummary(s: RunSummary, items: number): ChunkCounters {
  return {
    done: Math.max(items, s.processed),
    succeeded: s.succeeded,
    failed: s.failed,
    skipped: s.skipped + Math.max(0, items - s.processed),
    llmCalls: s.llmCalls,
    costUsd: s.costUsd,
  };
}
