// Builds every long-lived dependency once, for the CLI, the HTTP server and the workers.
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { createBatchStore } from "./db/batch-store.js";
import { createEnrichmentStore } from "./db/enrichment-store.js";
import { createListingDirectory } from "./db/listing-directory.js";
import { openDatabase } from "./db/open-database.js";
import type { LlmClient } from "./enrichment/llm-client.js";
import type { PipelineDeps } from "./enrichment/pipeline/run-enrichment.js";
import { createLayeredResultCache, type LayeredResultCache } from "./llm/layered-result-cache.js";
import { createOpenRouterBatchClient } from "./llm/openrouter-batch-client.js";
import {
  createOpenRouterClient,
  type OpenRouterClientHooks,
  type ProviderHealthCheck,
} from "./llm/openrouter-client.js";
import { createModelPriceCatalog } from "./llm/model-price-catalog.js";
import { createProviderGate, type ProviderGate } from "./llm/provider-gate.js";
import { createJobQueue } from "./jobs/create-job-queue.js";
import type { JobQueue } from "./jobs/job-queue.js";
import { createLogger, logDestination, type Logger } from "./logger.js";
import {
  createMetrics,
  instrumentLlmClient,
  instrumentResultCache,
  type Metrics,
} from "./observability/metrics.js";

export interface Services {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly llm: LlmClient;
  /** The same OpenRouter client, for GET /api/health/llm. */
  readonly provider: ProviderHealthCheck;
  readonly cache: LayeredResultCache;
  readonly gate: ProviderGate;
  readonly metrics: Metrics;
  readonly pipeline: PipelineDeps;
  /** In-process, or BullMQ when REDIS_URL is set. */
  readonly jobs: JobQueue;
  close(): Promise<void>;
}

export interface ServiceOptions {
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  /** Extra hooks around every LLM attempt (the distributed workers' shared Redis gate). */
  readonly llmHooks?: Pick<OpenRouterClientHooks, "beforeAttempt" | "onRateLimited">;
  /** Claim lease for pipeline runs (tests shorten it to exercise crash recovery). */
  readonly claimLeaseMs?: number;
  /** An already open database (tests); closed by the caller, not by `close()`. */
  readonly db?: Database;
  /** Submit pending batch requests after this long without a new one (tests shorten it). */
  readonly batchIdleFlushMs?: number;
}

export async function openServices(
  config: Config,
  options: ServiceOptions = {},
): Promise<Services> {
  const logger =
    options.logger ?? createLogger(config.logLevel, logDestination(config.logFile, process.stderr));
  const db = options.db ?? (await openDatabase(config));
  // With a shared gate (workers), that gate paces; this one only pauses on 429s.
  const gate = createProviderGate({ learnRate: options.llmHooks === undefined });
  const metrics = createMetrics();
  const extra = options.llmHooks;
  const rawLlm = createOpenRouterClient({
    baseUrl: config.llm.baseUrl,
    apiKey: config.llm.apiKey,
    defaultModel: config.llm.defaultModel,
    fallbackModels: config.llm.fallbackModels,
    timeoutMs: config.llm.timeoutMs,
    retry: config.retry,
    ...(options.fetch !== undefined && { fetch: options.fetch }),
    hooks: {
      async beforeAttempt() {
        await gate.wait();
        await extra?.beforeAttempt?.();
      },
      onRateLimited(retryAfterMs) {
        gate.pause(retryAfterMs);
        extra?.onRateLimited?.(retryAfterMs);
      },
    },
  });
  const layeredCache = createLayeredResultCache({ db, logger }, config.cache);
  metrics.observeCache(() => layeredCache.stats());
  const llm = config.features.metrics ? instrumentLlmClient(rawLlm, metrics) : rawLlm;
  const cache: LayeredResultCache = config.features.metrics
    ? { ...layeredCache, ...instrumentResultCache(layeredCache, metrics) }
    : layeredCache;
  const http = {
    apiKey: config.llm.apiKey,
    timeoutMs: config.llm.timeoutMs,
    ...(options.fetch !== undefined && { fetch: options.fetch }),
  };
  const batchApi = createOpenRouterBatchClient({
    ...http,
    baseUrl: config.llm.baseUrl,
    retry: config.retry,
  });
  const prices = createModelPriceCatalog({
    ...http,
    baseUrl: config.llm.baseUrl,
    retry: config.retry,
  });
  const pipeline: PipelineDeps = {
    config,
    llm,
    cache,
    batchApi,
    batchStore: createBatchStore(db),
    prices,
    ...(options.batchIdleFlushMs !== undefined && { batchIdleFlushMs: options.batchIdleFlushMs }),
    store: createEnrichmentStore(db, {
      reviewMode: config.reviewMode,
      maxItemAttempts: config.maxItemAttempts,
    }),
    directory: createListingDirectory(db),
    gate,
    logger,
    claimLeaseMs: options.claimLeaseMs ?? config.claimLeaseMs,
  };
  const jobs = await createJobQueue({ config, db, logger, pipeline });
  return {
    config,
    db,
    logger,
    llm,
    provider: rawLlm,
    cache,
    gate,
    metrics,
    pipeline,
    jobs,
    async close() {
      await jobs.close();
      await layeredCache.flush();
      if (options.db === undefined) await db.close();
    },
  };
}
