// Prometheus metrics (prom-client) for LLM calls, cache use and the HTTP API.
// One Metrics object per process, built in the composition root and handed to whatever
// records (LLM client wrapper, cache wrapper, pipeline, HTTP app); GET /metrics renders it.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { LlmError, type LlmErrorCategory } from "../errors.js";
import type { LlmClient } from "../enrichment/llm-client.js";
import type { CacheStats, ResultCache } from "../enrichment/result-cache.js";

export interface LlmCallRecord {
  /** The model that served; undefined when the call failed before a model answered. */
  readonly model: string | undefined;
  readonly outcome: "success" | "failure";
  /** Failure category (LlmError.category); absent on success. */
  readonly category?: LlmErrorCategory | "unknown";
  readonly latencyMs: number;
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly costUsd?: number;
}

export interface Metrics {
  readonly registry: Registry;
  recordLlmCall(record: LlmCallRecord): void;
  recordCacheLookup(record: { readonly processingType: string; readonly hit: boolean }): void;
  recordHttpRequest(record: {
    readonly method: string;
    readonly route: string;
    readonly statusCode: number;
    readonly durationMs: number;
  }): void;
  /** Exposes size / hit ratio of a cache as gauges, read at scrape time. */
  observeCache(stats: () => CacheStats): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag); default true. */
  readonly defaultMetrics?: boolean;
}

const PREFIX = "rescue_llm_";

export function createMetrics(options: MetricsOptions = {}): Metrics {
  // Own registry, not prom-client's global one: several apps (tests) can live in one process.
  const registry = new Registry();
  if (options.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: PREFIX });

  const calls = new Counter({
    name: `${PREFIX}llm_calls_total`,
    help: "Logical LLM calls (retries inside one call count once), by served model and outcome",
    labelNames: ["model", "outcome"] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: `${PREFIX}llm_failures_total`,
    help: "Failed LLM calls by error category",
    labelNames: ["category"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: `${PREFIX}llm_call_duration_seconds`,
    help: "LLM call latency, retries included",
    labelNames: ["outcome"] as const,
    buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
    registers: [registry],
  });
  const tokens = new Counter({
    name: `${PREFIX}llm_tokens_total`,
    help: "Tokens billed, by kind (prompt or completion)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const cost = new Counter({
    name: `${PREFIX}llm_cost_usd_total`,
    help: "Spend reported by the provider, USD",
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: `${PREFIX}cache_lookups_total`,
    help: "Result cache lookups by processing type and result (hit or miss)",
    labelNames: ["processing_type", "result"] as const,
    registers: [registry],
  });
  const http = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: "HTTP API request duration by route and status",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const cacheSources: (() => CacheStats)[] = [];
  const sumCache = <K extends keyof CacheStats>(key: K) =>
    cacheSources.reduce((total, read) => total + read()[key], 0);
  new Gauge({
    name: `${PREFIX}cache_entries`,
    help: "Entries in the in-memory result cache",
    registers: [registry],
    collect() {
      this.set(sumCache("size"));
    },
  });
  new Gauge({
    name: `${PREFIX}cache_hit_ratio`,
    help: "Result cache hits / lookups since start (0..1)",
    registers: [registry],
    collect() {
      const total = sumCache("totalRequests");
      this.set(total === 0 ? 0 : sumCache("hits") / total);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    recordLlmCall(record) {
      calls.inc({ model: record.model ?? "unknown", outcome: record.outcome });
      if (record.outcome === "failure") failures.inc({ category: record.category ?? "unknown" });
      latency.observe({ outcome: record.outcome }, record.latencyMs / 1000);
      if (record.promptTokens) tokens.inc({ kind: "prompt" }, record.promptTokens);
      if (record.completionTokens) tokens.inc({ kind: "completion" }, record.completionTokens);
      if (record.costUsd) cost.inc(record.costUsd);
    },
    recordCacheLookup({ processingType, hit }) {
      cacheLookups.inc({ processing_type: processingType, result: hit ? "hit" : "miss" });
    },
    recordHttpRequest({ method, route, statusCode, durationMs }) {
      http.observe({ method, route, status_code: String(statusCode) }, durationMs / 1000);
    },
    observeCache(stats) {
      cacheSources.push(stats);
    },
    render: () => registry.metrics(),
  };
}

/** An LlmClient that records every call (outcome, category, latency, tokens, cost). */
export function instrumentLlmClient(
  llm: LlmClient,
  metrics: Pick<Metrics, "recordLlmCall">,
): LlmClient {
  return {
    async complete(request) {
      const started = performance.now();
      try {
        const response = await llm.complete(request);
        metrics.recordLlmCall({
          model: response.model,
          outcome: "success",
          latencyMs: response.latencyMs,
          promptTokens: response.promptTokens,
          completionTokens: response.completionTokens,
          costUsd: response.costUsd,
        });
        return response;
      } catch (error) {
        metrics.recordLlmCall({
          model: undefined,
          outcome: "failure",
          category: error instanceof LlmError ? error.category : "unknown",
          latencyMs: performance.now() - started,
        });
        throw error;
      }
    },
  };
}

/** A ResultCache that counts hits and misses per processing type. */
export function instrumentResultCache(
  cache: ResultCache,
  metrics: Pick<Metrics, "recordCacheLookup">,
): ResultCache {
  return {
    async getOrCompute(key, compute, meta) {
      const result = await cache.getOrCompute(key, compute, meta);
      metrics.recordCacheLookup({ processingType: meta.processingType, hit: result.hit });
      return result;
    },
    stats: () => cache.stats(),
  };
}
