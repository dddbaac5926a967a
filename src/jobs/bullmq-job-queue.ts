// JobQueue on BullMQ (REDIS_URL set): the job is split into content-addressed chunks that
// `rescue-llm worker` processes anywhere; the parent record in Redis aggregates their progress.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { CandidateCursor } from "../enrichment/pipeline/enrichment-store.js";
import type { RunPlan } from "../enrichment/pipeline/run-request.js";
import { QueueUnavailableError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ChunkData } from "./chunk-plan.js";
import { planJob } from "./chunk-plan.js";
import { FINISHED_JOB_STATES, type JobQueue } from "./job-queue.js";
import { createJobProgressStore } from "./job-progress-store.js";
import type { QueueSettings } from "./queue-settings.js";
import { bullmqConnection } from "./queue-settings.js";

export interface BullmqJobQueueDeps {
  readonly redisUrl: string;
  /** Every animal a plan without a limit covers, ascending (listAnimalIdsForJob). */
  readonly listAnimalIds: (plan: RunPlan) => Promise<number[]>;
  /** The first `limit` items that need work, in the pipeline's order (the store's candidates). */
  readonly listPendingItems: (plan: RunPlan, limit: number) => Promise<CandidateCursor[]>;
  readonly logger: Logger;
  readonly settings: QueueSettings;
}

const FINISHED = FINISHED_JOB_STATES as ReadonlySet<string>;

export function createBullmqJobQueue(deps: BullmqJobQueueDeps): JobQueue {
  const { settings } = deps;
  const queue = new Queue<ChunkData>(settings.queueName, {
    connection: bullmqConnection(deps.redisUrl),
    prefix: settings.prefix,
  });
  // Fail fast instead of queueing commands forever when Redis is down.
  const redis = new Redis(deps.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  const store = createJobProgressStore(redis, `${settings.prefix}:${settings.queueName}`);
  const pollers = new Set<NodeJS.Timeout>();

  const unavailable = (error: unknown) =>
    new QueueUnavailableError("Redis is not reachable at REDIS_URL; cannot use the job queue", {
      cause: error,
    });

  return {
    kind: "redis",

    async enqueue(plan: RunPlan) {
      // A limit counts items, as in a run: pick exactly the items the pipeline would take now.
      const work =
        plan.limit === undefined
          ? { animalIds: await deps.listAnimalIds(plan) }
          : { items: await deps.listPendingItems(plan, plan.limit) };
      const job = planJob({
        processingType: plan.definition.name,
        targetLanguages: plan.targetLanguages,
        force: plan.force,
        batchSize: plan.batchSize,
        ...(plan.transport === "batch" && { mode: "batch" as const }),
        chunkSize: settings.chunkSize,
        work,
      });
      const record = {
        id: job.parentId,
        processingType: job.processingType,
        totalItems: job.totalItems,
        chunksTotal: job.chunks.length,
      };
      try {
        if (!(await store.create(record))) {
          const existing = await store.get(job.parentId);
          if (existing && FINISHED.has(existing.state)) {
            // The same work again after it finished is a new run (e.g. a nightly re-check):
            // clear the old chunk records so BullMQ accepts their ids again.
            await Promise.all(job.chunks.map((chunk) => queue.remove(chunk.id)));
            await store.remove(job.parentId);
            await store.create(record);
          }
        }
        // Always (re)add: ids already present are no-ops in BullMQ, and an enqueue that died
        // between creating the record and adding its chunks is healed by the next one.
        await queue.addBulk(
          job.chunks.map((chunk) => ({
            name: job.processingType,
            data: chunk.data,
            opts: {
              jobId: chunk.id,
              attempts: settings.chunkAttempts,
              backoff: { type: "exponential", delay: settings.chunkBackoffMs },
              removeOnComplete: { age: settings.keepFinishedChunksSeconds },
              removeOnFail: { age: settings.keepFinishedChunksSeconds },
            },
          })),
        );
      } catch (error) {
        throw unavailable(error);
      }
      deps.logger.info(
        { jobId: job.parentId, chunks: job.chunks.length, items: job.totalItems },
        "enqueued enrichment job",
      );
      return { id: job.parentId };
    },

    get(id) {
      return store.get(id).catch((error: unknown) => Promise.reject(unavailable(error)));
    },

    list(options = {}) {
      return store
        .list(options.limit ?? 50)
        .catch((error: unknown) => Promise.reject(unavailable(error)));
    },

    subscribe(id, listener) {
      // Polling the aggregate keeps workers free of pub/sub and costs one HGETALL per tick.
      let last = "";
      let stopped = false;
      const tick = async () => {
        const state = await store.get(id).catch(() => undefined);
        if (stopped || !state) return;
        const seen = JSON.stringify(state);
        if (seen !== last) {
          last = seen;
          listener(state);
        }
        if (FINISHED.has(state.state)) stop();
      };
      const timer = setInterval(() => void tick(), settings.pollIntervalMs);
      pollers.add(timer);
      void tick();
      function stop() {
        stopped = true;
        clearInterval(timer);
        pollers.delete(timer);
      }
      return stop;
    },

    async close() {
      for (const timer of pollers) clearInterval(timer);
      pollers.clear();
      await queue.close();
      redis.disconnect();
    },
  };
}
