// What the HTTP app needs from the composition root (src/composition-root.ts `Services`
// satisfies it structurally); tests can assemble it from real parts as well.
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import type { LlmClient } from "../enrichment/llm-client.js";
import type { ProviderHealthCheck } from "../llm/openrouter-client.js";
import type { PipelineDeps } from "../enrichment/pipeline/run-enrichment.js";
import type { ResultCache } from "../enrichment/result-cache.js";
import type { JobQueue } from "../jobs/job-queue.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../observability/metrics.js";

export interface AppServices {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly llm: LlmClient;
  /** The provider probe of GET /api/health/llm (the OpenRouter client itself). */
  readonly provider: ProviderHealthCheck;
  readonly cache: ResultCache;
  readonly pipeline: PipelineDeps;
  /** Absent when the process runs no queue: the job routes then answer 503. */
  readonly jobs?: JobQueue;
  /** The process's metrics, when the composition root records LLM calls into one. */
  readonly metrics?: Metrics;
}
