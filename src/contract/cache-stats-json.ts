// SPEC §5 cache statistics, shared by `cache-stats --json` and GET /api/llm/cache-stats.
import type { CacheStats } from "../enrichment/result-cache.js";

export interface CacheStatsJson {
  readonly size: number;
  readonly max_size: number;
  readonly hits: number;
  readonly misses: number;
  /** Percent, one decimal. */
  readonly hit_rate: number;
  readonly total_requests: number;
}

export function toCacheStatsJson(stats: CacheStats): CacheStatsJson {
  return {
    size: stats.size,
    max_size: stats.maxSize,
    hits: stats.hits,
    misses: stats.misses,
    hit_rate: stats.hitRatePercent,
    total_requests: stats.totalRequests,
  };
}
