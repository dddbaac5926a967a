// Cache statistics, the same shape from `cache-stats --json` and GET /api/llm/cache-stats.
// Two caches are named apart: the persistent table every process shares (`table_*`, and the
// SPEC §5 fields) and the memory layer of the process answering (`memory_*`; a CLI process's
// is empty). Rates are fractions (0–1) unless the name ends in `_percent`.
import type { SharedCacheStats } from "../db/shared-cache-stats.js";
import type { CacheStats } from "../enrichment/result-cache.js";

export interface CacheStatsJson {
  /** SPEC §5: entries in the persistent table (= table_size). */
  readonly size: number;
  /** LLM_CACHE_MAX_SIZE: the bound on each process's memory layer, in entries. */
  readonly max_size: number;
  /** Lookups every process logged (llm_processing_logs): answered from the cache… */
  readonly hits: number;
  /** …or by a call. */
  readonly misses: number;
  /** hits / total_requests, a fraction from 0 to 1 (4 decimals); 0 with no lookups. */
  readonly hit_rate: number;
  /** The same rate in percent, one decimal. */
  readonly hit_rate_percent: number;
  readonly total_requests: number;
  /** Non-expired rows of the llm_cache table, shared by every process. */
  readonly table_size: number;
  /** Entries in this process's memory layer now. */
  readonly memory_size: number;
  /** This process's lookups since it started. */
  readonly memory_hits: number;
  readonly memory_misses: number;
  /** A fraction from 0 to 1. */
  readonly memory_hit_rate: number;
}

export function toCacheStatsJson(shared: SharedCacheStats, memory: CacheStats): CacheStatsJson {
  const total = shared.hits + shared.misses;
  const memoryTotal = memory.hits + memory.misses;
  return {
    size: shared.tableEntries,
    max_size: memory.maxSize,
    hits: shared.hits,
    misses: shared.misses,
    hit_rate: fraction(shared.hits, total),
    hit_rate_percent: total === 0 ? 0 : Math.round((shared.hits / total) * 1000) / 10,
    total_requests: total,
    table_size: shared.tableEntries,
    memory_size: memory.size,
    memory_hits: memory.hits,
    memory_misses: memory.misses,
    memory_hit_rate: fraction(memory.hits, memoryTotal),
  };
}

function fraction(part: number, total: number): number {
  return total === 0 ? 0 : Math.round((part / total) * 10_000) / 10_000;
}
