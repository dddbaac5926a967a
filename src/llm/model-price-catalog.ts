// ModelPrices from OpenRouter's GET /api/v1/models (https://openrouter.ai/docs/api-reference/
// models): `pricing.prompt` / `pricing.completion` are strings of USD per token. A fetched list
// is kept in memory for an hour (one cache per process by default, shared by every catalog on
// the same URL; concurrent first lookups share one request).
//
// Unknown rather than guessed: a model missing from the list, a price that is not a number, or
// a negative one — OpenRouter lists `openrouter/auto` at "-1", since it routes each request to
// a model picked then. Batch price: the model's `:batch` catalog variant when listed, else the
// Batch API's documented "typically 50% of the model's standard per-token pricing".
import { LRUCache } from "lru-cache";
import { LlmError } from "../errors.js";
import type { ModelPriceQuote, ModelPrices, TokenPricesUsd } from "../enrichment/model-prices.js";
import { requestOpenRouterJson, type OpenRouterHttpOptions } from "./openrouter-json-request.js";
import { retryLlmCall, type RetryDeps, type RetryOptions } from "./retry-policy.js";

export const BATCH_PRICE_FACTOR = 0.5;
const BATCH_SUFFIX = ":batch";
const AUTO_MODEL = "openrouter/auto";
const DEFAULT_TTL_MS = 3600_000;

/** A fetched list: per model id its prices, or why it has none. */
interface PriceList {
  readonly url: string;
  readonly entries: ReadonlyMap<string, TokenPricesUsd | { readonly unknown: string }>;
  /** Set when the endpoint has no model list at all (e.g. a server without /models). */
  readonly unavailable: string | undefined;
}

export interface PriceListCache {
  get(url: string): PriceList | undefined;
  set(url: string, list: PriceList): void;
  clear(): void;
}

/** Memory with a TTL (lru-cache); `now` lets tests expire entries without waiting. */
export function createPriceListCache(
  options: { readonly ttlMs?: number; readonly now?: () => number } = {},
): PriceListCache {
  const now = options.now;
  const cache = new LRUCache<string, PriceList>({
    max: 16,
    ttl: options.ttlMs ?? DEFAULT_TTL_MS,
    // An injected clock is read on every check (lru-cache otherwise caches "now" for 1 ms).
    ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
  });
  return {
    get: (url) => cache.get(url),
    set: (url, list) => void cache.set(url, list),
    clear: () => cache.clear(),
  };
}

const PROCESS_CACHE = createPriceListCache();
const IN_FLIGHT = new WeakMap<PriceListCache, Map<string, Promise<PriceList>>>();

export interface ModelPriceCatalogOptions extends OpenRouterHttpOptions {
  /** LLM_BASE_URL; the list is GET {baseUrl}/models. */
  readonly baseUrl: string;
  readonly retry: RetryOptions;
  readonly retryDeps?: Pick<RetryDeps, "sleep" | "random">;
  /** Default: the process-wide cache (one hour). */
  readonly cache?: PriceListCache;
}

export function createModelPriceCatalog(options: ModelPriceCatalogOptions): ModelPrices & {
  /** The list's URL, for messages ("prices from …"). */
  readonly sourceUrl: string;
} {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/models`;
  const cache = options.cache ?? PROCESS_CACHE;
  let inFlight = IN_FLIGHT.get(cache);
  if (!inFlight) IN_FLIGHT.set(cache, (inFlight = new Map<string, Promise<PriceList>>()));
  const pending = inFlight;

  const fetchList = async (): Promise<PriceList> => {
    try {
      const { body } = await retryLlmCall(
        () => requestOpenRouterJson(options, { method: "GET", url }),
        options.retry,
        { ...options.retryDeps },
      );
      return readPriceList(url, body);
    } catch (error) {
      if (error instanceof LlmError && error.status === 404) {
        return { url, entries: new Map(), unavailable: `${url} has no model list (HTTP 404)` };
      }
      throw error;
    }
  };

  const priceList = async (signal: AbortSignal | undefined): Promise<PriceList> => {
    signal?.throwIfAborted();
    const cached = cache.get(url);
    if (cached) return cached;
    let load = pending.get(url);
    if (!load) {
      // Shared by concurrent callers, so no caller's signal ends it; its own deadline does.
      load = fetchList().then(
        (list) => {
          cache.set(url, list);
          pending.delete(url);
          return list;
        },
        (error: unknown) => {
          pending.delete(url);
          throw error;
        },
      );
      pending.set(url, load);
      // Every caller gets the failure through its own await; a caller that stopped waiting
      // (its signal) must not leave the shared load's failure unhandled.
      load.catch(() => undefined);
    }
    return untilAborted(load, signal);
  };

  return {
    sourceUrl: url,
    async quote(modelId, { signal } = {}) {
      const list = await priceList(signal);
      return quoteFrom(list, modelId);
    },
  };
}

function quoteFrom(list: PriceList, modelId: string): ModelPriceQuote {
  const unknown = (reason: string): ModelPriceQuote => ({ known: false, modelId, reason });
  if (modelId === AUTO_MODEL) {
    return unknown(
      `${AUTO_MODEL} routes each request to a model chosen then, so its price is not known in advance; set LLM_DEFAULT_MODEL to a model id for a price`,
    );
  }
  if (list.unavailable) return unknown(list.unavailable);
  const base = modelId.endsWith(BATCH_SUFFIX) ? modelId.slice(0, -BATCH_SUFFIX.length) : modelId;
  const entry = list.entries.get(base);
  if (!entry) return unknown(`${base} is not in the model list at ${list.url}`);
  if ("unknown" in entry) return unknown(`${base}: ${entry.unknown}`);
  const listedBatch = list.entries.get(`${base}${BATCH_SUFFIX}`);
  const batch =
    listedBatch && !("unknown" in listedBatch)
      ? { prices: listedBatch, source: "listed" as const }
      : {
          prices: {
            promptUsdPerToken: entry.promptUsdPerToken * BATCH_PRICE_FACTOR,
            completionUsdPerToken: entry.completionUsdPerToken * BATCH_PRICE_FACTOR,
          },
          source: "derived" as const,
        };
  return {
    known: true,
    modelId: base,
    sync: entry,
    batch: batch.prices,
    batchPriceSource: batch.source,
  };
}

function readPriceList(url: string, body: unknown): PriceList {
  const data = isObject(body) && Array.isArray(body.data) ? body.data : undefined;
  if (!data) {
    throw new LlmError("invalid_response", `${url} answered without a "data" list of models`);
  }
  const entries = new Map<string, TokenPricesUsd | { unknown: string }>();
  for (const model of data) {
    if (!isObject(model) || typeof model.id !== "string") continue;
    const pricing = isObject(model.pricing) ? model.pricing : undefined;
    const prompt = usdPerToken(pricing?.prompt);
    const completion = usdPerToken(pricing?.completion);
    if (prompt === undefined || completion === undefined) {
      const shown = pricing ? `${String(pricing.prompt)} / ${String(pricing.completion)}` : "none";
      entries.set(model.id, { unknown: `no fixed per-token price listed (${shown})` });
    } else {
      entries.set(model.id, { promptUsdPerToken: prompt, completionUsdPerToken: completion });
    }
  }
  return { url, entries, unavailable: undefined };
}

/** "0.00000015" → 1.5e-7; anything else (missing, "-1", junk) → undefined. */
function usdPerToken(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
