// JobQueue on BullMQ (REDIS_URL set): the job is split into content-addressed chunks that
// `rescue-llm worker` processes anywhere; the parent record in Redis aggregates their progress.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { LanguageCode } from "../config.js";
import type { AnimalIdSelection } from "../db/animal-ids-store.js";
import { QueueUnavailableError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ChunkData } from "./chunk-plan.js";
import { planJob } from "./chunk-plan.js";
import type { JobQueue, JobSpec } from "./job-queue.js";
import { createJobProgressStore } from "./job-progress-store.js";
import type { QueueSettings } from "./queue-settings.js";
import { bullmqConnection } from "./queue-settings.js";

export interface BullmqJobQueueDeps {
  readonly redisUrl: string;
  /** Resolves an organization / id list / limit to animal ids (listAnimalIdsForJob). */
  readonly resolveAnimalIds: (selection: AnimalIdSelection) => Promise<number[]>;
  /** Targets when a translation spec names none (LLM_TRANSLATION_LANGUAGES). */
  readonly defaultTargetLanguages: readonly LanguageCode[];
  readonly logger: Logger;
  readonly settings: QueueSettings;
}

const FINISHED = new Set(["completed", "failed", "cancelled"]);

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

    async enqueue(spec: JobSpec) {
      const ids = await deps.resolveAnimalIds({
        ...(spec.organizationConfigId !== undefined
          ? { organizationConfigId: spec.organizationConfigId }
          : {}),
        ...(spec.animalIds !== undefined ? { animalIds: spec.animalIds } : {}),
        ...(spec.limit !== undefined ? { limit: spec.limit } : {}),
      });
      const plan = planJob({
        processingType: spec.processingType,
        animalIds: ids,
        targetLanguages: spec.targetLanguages ?? deps.defaultTargetLanguages,
        force: spec.force ?? false,
        chunkSize: settings.chunkSize,
      });
      const record = {
        id: plan.parentId,
        processingType: plan.processingType,
        totalItems: plan.totalItems,
        chunksTotal: plan.chunks.length,
      };
      try {
        if (!(await store.create(record))) {
          const existing = await store.get(plan.parentId);
          if (existing && FINISHED.has(existing.state)) {
            // The same work again after it finished is a new run (e.g. a nightly re-check):
            // clear the old chunk records so BullMQ accepts their ids again.
            await Promise.all(plan.chunks.map((chunk) => queue.remove(chunk.id)));
            await store.remove(plan.parentId);
            await store.create(record);
          }
        }
        // Always (re)add: ids already present are no-ops in BullMQ, and an enqueue that died
        // between creating the record and adding its chunks is healed by the next one.
        await queue.addBulk(
          plan.chunks.map((chunk) => ({
            name: plan.processingType,
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
        { jobId: plan.parentId, chunks: plan.chunks.length, items: plan.totalItems },
        "enqueued enrichment job",
      );
      return { id: plan.parentId };
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
