// Picks the JobQueue adapter: BullMQ when REDIS_URL is set, else in this process.
import type { Config } from "../config.js";
import { listAnimalIdsForJob } from "../db/animal-ids-store.js";
import type { Queryable } from "../db/database.js";
import type { PipelineDeps } from "../enrichment/pipeline/run-enrichment.js";
import { runEnrichment } from "../enrichment/pipeline/run-enrichment.js";
import type { RunRequest, RunSummary } from "../enrichment/pipeline/run-types.js";
import type { Logger } from "../logger.js";
import { createBullmqJobQueue } from "./bullmq-job-queue.js";
import { createInProcessJobQueue } from "./in-process-job-queue.js";
import type { JobQueue } from "./job-queue.js";
import type { QueueSettings } from "./queue-settings.js";
import { queueSettings } from "./queue-settings.js";

export interface JobQueueDeps {
  readonly config: Pick<Config, "redisUrl" | "translationLanguages">;
  readonly db: Queryable;
  readonly logger: Logger;
  /** What the in-process adapter runs jobs with. */
  readonly pipeline: PipelineDeps;
  /** Replaces `runEnrichment(pipeline, request)` (tests). */
  readonly run?: (request: RunRequest) => Promise<RunSummary>;
  readonly settings?: Partial<QueueSettings>;
}

export function createJobQueue(deps: JobQueueDeps): JobQueue {
  if (deps.config.redisUrl === undefined) {
    return createInProcessJobQueue({
      run: deps.run ?? ((request) => runEnrichment(deps.pipeline, request)),
      logger: deps.logger,
      defaultTargetLanguages: deps.config.translationLanguages,
    });
  }
  return createBullmqJobQueue({
    redisUrl: deps.config.redisUrl,
    resolveAnimalIds: (selection) => listAnimalIdsForJob(deps.db, selection),
    defaultTargetLanguages: deps.config.translationLanguages,
    logger: deps.logger,
    settings: queueSettings(deps.settings),
  });
}
