// The core's port to the response cache (memory LRU in front of the llm_cache table).
// Implemented by src/llm/layered-result-cache.ts.

export interface CacheStats {
  readonly size: number;
  readonly maxSize: number;
  readonly hits: number;
  readonly misses: number;
  /** Percent of lookups that hit, one decimal. */
  readonly hitRatePercent: number;
  readonly totalRequests: number;
}

export interface ResultCache {
  /**
   * Returns the cached value for `key`, or runs `compute` once — concurrent callers with the
   * same key share that one run. Only results with `cacheable: true` are stored (a result
   * that failed its guards is never cached). A computed result is returned once it is stored
   * durably (where the cache has a durable layer): a process killed after that loses nothing
   * it paid for. A cache failure never fails the caller.
   */
  getOrCompute<T>(
    key: string,
    compute: () => Promise<{ value: T; cacheable: boolean }>,
    meta: CacheLookupMeta,
  ): Promise<{ value: T; hit: boolean }>;
  stats(): CacheStats;
}

export interface CacheLookupMeta {
  readonly processingType: string;
  readonly model?: string;
  /** Skip the lookup and compute afresh; a cacheable result then replaces the stored one. */
  readonly refresh?: boolean;
}

/** The cache as a forced run (`--force`, `force: true`) uses it: fresh answers, stored anew. */
export function refreshingCache(cache: ResultCache): ResultCache {
  return {
    getOrCompute: (key, compute, meta) =>
      cache.getOrCompute(key, compute, { ...meta, refresh: true }),
    stats: () => cache.stats(),
  };
}
