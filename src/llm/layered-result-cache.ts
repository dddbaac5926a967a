// ResultCache: an in-memory LRU with TTL (lru-cache) in front of the persistent llm_cache
// table. Identical keys in flight share one compute. The cache is an optimisation only:
// any failure of either layer is logged and the work goes on without it.
import DataLoader from "dataloader";
import { LRUCache } from "lru-cache";
import type { Queryable } from "../db/database.js";
import {
  getCachedResponses,
  upsertCachedResponses,
  type CachedResponseRow,
  type StoredResponse,
} from "../db/llm-cache-store.js";
import type { CacheLookupMeta, CacheStats, ResultCache } from "../enrichment/result-cache.js";
import type { Logger } from "../logger.js";

export interface LayeredResultCacheOptions {
  /** LLM_CACHE_ENABLED; false bypasses both layers (every call computes). */
  readonly enabled: boolean;
  /** LLM_CACHE_MAX_SIZE: entries kept in memory. */
  readonly maxSize: number;
  /** LLM_CACHE_TTL_SECONDS in ms: lifetime in memory and in the table. */
  readonly ttlMs: number;
}

export interface LayeredResultCacheDeps {
  /** The persistent layer; omit for memory only. */
  readonly db?: Queryable;
  readonly logger: Pick<Logger, "warn">;
  /** Epoch milliseconds; tests inject a clock to expire entries without waiting. */
  readonly now?: () => number;
}

export interface LayeredResultCache extends ResultCache {
  /** Drops the in-memory layer (the table is kept). */
  clearMemory(): void;
  /** Writes table rows still buffered; call before closing the database. */
  flush(): Promise<void>;
}

/** Rows per table write statement at most. */
const WRITE_BATCH_ROWS = 200;
/** Table reads requested together (a page of items starting at once) share one statement. */
const READ_BATCH_MAX = 200;

interface Entry {
  readonly value: unknown;
}

export function createLayeredResultCache(
  deps: LayeredResultCacheDeps,
  options: LayeredResultCacheOptions,
): LayeredResultCache {
  const now = deps.now ?? Date.now;
  const memory = new LRUCache<string, Entry>({
    max: options.maxSize,
    ttl: options.ttlMs,
    // Read the (possibly injected) clock on every check instead of lru-cache's cached one.
    ttlResolution: 0,
    perf: { now },
  });
  const inFlight = new Map<string, Promise<{ value: unknown; hit: boolean }>>();
  let hits = 0;
  let misses = 0;

  const warn = (error: unknown, layer: "memory" | "table", action: string, key: string) => {
    deps.logger.warn(
      { err: error, layer, key },
      `LLM cache ${layer} ${action} failed; continuing without the cache`,
    );
  };

  // Batched reads: every key asked for in the same tick goes out in one statement. No
  // memoisation here; the memory layer is the cache.
  const db = deps.db;
  const tableReads =
    db &&
    new DataLoader<string, StoredResponse | undefined>(
      async (keys) => {
        const found = await getCachedResponses(db, keys, new Date(now()));
        return keys.map((k) => found.get(k));
      },
      { cache: false, maxBatchSize: READ_BATCH_MAX },
    );

  async function lookup(key: string): Promise<Entry | undefined> {
    try {
      const entry = memory.get(key);
      if (entry) return entry;
    } catch (error) {
      warn(error, "memory", "read", key);
    }
    if (!tableReads) return undefined;
    try {
      const stored = await tableReads.load(key);
      if (!stored) return undefined;
      const entry = { value: stored.response };
      const ttl = Math.max(1, Math.min(options.ttlMs, stored.expiresAt.getTime() - now()));
      memory.set(key, entry, { ttl });
      return entry;
    } catch (error) {
      warn(error, "table", "read", key);
      return undefined;
    }
  }

  // Write-through with group commit: a computed answer is returned once its table row is
  // written, so the caller (who holds the answer's call slot until then) knows that a process
  // killed from here on loses nothing it paid for. One statement at a time, started as soon as
  // a row arrives; rows arriving meanwhile go into the next one, so batches grow with the rate.
  // A failed write is logged and resolves all the same: the cache is an optimisation only.
  let buffered: { row: CachedResponseRow; written: () => void }[] = [];
  let scheduled = false;
  let writing: Promise<void> = Promise.resolve();

  function flushBuffer(): Promise<void> {
    while (buffered.length > 0 && db) {
      const rows = buffered.splice(0, WRITE_BATCH_ROWS);
      writing = writing.then(() =>
        upsertCachedResponses(
          db,
          rows.map((r) => r.row),
        )
          .catch((error: unknown) => warn(error, "table", "write", rows[0]!.row.key))
          .finally(() => {
            for (const r of rows) r.written();
          }),
      );
    }
    buffered = [];
    return writing;
  }

  function scheduleFlush(): void {
    if (scheduled) return;
    scheduled = true;
    void writing
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        scheduled = false;
        return flushBuffer();
      });
  }

  /** Resolves once the entry is in the table (or its write failed and was logged). */
  function save(key: string, value: unknown, meta: CacheLookupMeta): Promise<void> {
    try {
      memory.set(key, { value });
    } catch (error) {
      warn(error, "memory", "write", key);
    }
    if (!db) return Promise.resolve();
    return new Promise((written) => {
      buffered.push({
        row: {
          key,
          processingType: meta.processingType,
          model: meta.model,
          response: value,
          expiresAt: new Date(now() + options.ttlMs),
        },
        written,
      });
      scheduleFlush();
    });
  }

  return {
    async getOrCompute<T>(
      key: string,
      compute: () => Promise<{ value: T; cacheable: boolean }>,
      meta: CacheLookupMeta,
    ): Promise<{ value: T; hit: boolean }> {
      if (!options.enabled) {
        const result = await compute();
        return { value: result.value, hit: false };
      }
      if (meta.refresh) {
        // A forced redo: never answered from either layer; a good answer replaces the entry.
        misses += 1;
        const result = await compute();
        if (result.cacheable) await save(key, result.value, meta);
        return { value: result.value, hit: false };
      }
      const pending = inFlight.get(key);
      if (pending) {
        // Another caller is already computing this key: no call of our own, so it counts as a hit.
        const shared = await pending;
        hits += 1;
        return { value: shared.value as T, hit: true };
      }
      const run = (async () => {
        const cached = await lookup(key);
        if (cached) {
          hits += 1;
          return { value: cached.value, hit: true };
        }
        misses += 1;
        const result = await compute();
        if (result.cacheable) await save(key, result.value, meta);
        return { value: result.value as unknown, hit: false };
      })();
      inFlight.set(key, run);
      try {
        const result = await run;
        return { value: result.value as T, hit: result.hit };
      } finally {
        inFlight.delete(key);
      }
    },

    stats(): CacheStats {
      memory.purgeStale(); // so `size` counts live entries only
      const total = hits + misses;
      return {
        size: memory.size,
        maxSize: options.maxSize,
        hits,
        misses,
        // Percent with one decimal, like the other rates the product reports.
        hitRatePercent: total === 0 ? 0 : Math.round((hits / total) * 1000) / 10,
        totalRequests: total,
      };
    },

    clearMemory() {
      memory.clear();
    },

    flush: flushBuffer,
  };
}
