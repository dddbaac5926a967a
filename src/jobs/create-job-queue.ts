// Picks the JobQueue adapter: BullMQ when REDIS_URL is set, else in this process. BullMQ (and
// ioredis) take a third of a second to load: a process without REDIS_URL never loads them.
import type { Config } from "../config.js";
import { listAnimalIdsForJob } from "../db/animal-ids-store.js";
import type { Queryable } from "../db/database.js";
import { candidateFilter } from "../enrichment/pipeline/resolve-run-request.js";
import type { PipelineDeps } from "../enrichment/pipeline/run-enrichment.js";
import { runEnrichment } from "../enrichment/pipeline/run-enrichment.js";
import type { Logger } from "../logger.js";
import { createInProcessJobQueue } from "./in-process-job-queue.js";
import type { JobQueue } from "./job-queue.js";
import type { QueueSettings } from "./queue-settings.js";
import { queueSettings } from "./queue-settings.js";

export interface JobQueueDeps {
  readonly config: Pick<Config, "redisUrl">;
  readonly db: Queryable;
  readonly logger: Logger;
  /** What the in-process adapter runs jobs with, and where the BullMQ one finds their items. */
  readonly pipeline: PipelineDeps;
  readonly settings?: Partial<QueueSettings>;
}

export async function createJobQueue(deps: JobQueueDeps): Promise<JobQueue> {
  if (deps.config.redisUrl === undefined) {
    return createInProcessJobQueue({
      run: (plan, control) => runEnrichment(deps.pipeline, plan, control),
      logger: deps.logger,
    });
  }
  const { createBullmqJobQueue } = await import("./bullmq-job-queue.js");
  return createBullmqJobQueue({
    redisUrl: deps.config.redisUrl,
    listAnimalIds: (plan) =>
      listAnimalIdsForJob(deps.db, {
        organizationId: plan.organization?.id,
        animalIds: plan.animalIds,
      }),
    listPendingItems: (plan, limit) =>
      deps.pipeline.store.listCandidateKeys(candidateFilter(plan), limit),
    logger: deps.logger,
    settings: queueSettings(deps.settings),
  });
}
