// GET /api/llm/stats counts every animal; under load, identical requests share one query
// (lru-cache coalesces concurrent fetches of a key) and its answer for a short TTL, so a
// burst of clients costs the database one scan instead of one each.
import { LRUCache } from "lru-cache";
import type { Queryable } from "../db/database.js";
import {
  getEnrichmentBreakdown,
  getEnrichmentStats,
  type EnrichmentBreakdown,
  type EnrichmentStats,
  type StatsFilter,
} from "../db/stats-store.js";

/** Coverage and the breakdown behind it (stale, failed, skipped, per language). */
export interface StatsReport {
  readonly stats: EnrichmentStats;
  readonly breakdown: EnrichmentBreakdown;
}

export type StatsReader = (filter: StatsFilter) => Promise<StatsReport>;

async function readReport(db: Queryable, filter: StatsFilter): Promise<StatsReport> {
  return {
    stats: await getEnrichmentStats(db, filter),
    breakdown: await getEnrichmentBreakdown(db, filter),
  };
}

/** `ttlMs`: how long an answer is reused; answers are at most this much older than the data. */
export function createCoalescedStatsReader(db: Queryable, ttlMs: number): StatsReader {
  const cache = new LRUCache<string, StatsReport, StatsFilter>({
    max: 1000,
    // lru-cache treats ttl 0 as "forever"; 1 ms still coalesces requests in flight together.
    ttl: Math.max(1, ttlMs),
    fetchMethod: (_key, _stale, { context }) => readReport(db, context),
  });
  return async (filter) => {
    const key = String(filter.organizationId ?? "all");
    const stats = await cache.fetch(key, { context: filter });
    // fetchMethod never resolves undefined; this keeps the types honest.
    return stats ?? readReport(db, filter);
  };
}
