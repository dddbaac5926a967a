// The cache as every process shares it: rows of the persistent llm_cache table that have not
// expired, and the lookups the call log recorded (status 'cache_hit' is a hit; any other
// status is a call made, i.e. a miss). A CLI process's own memory layer starts empty, so this
// is what `cache-stats` is about; the HTTP API reports it beside its process's memory layer.
import type { Queryable } from "./database.js";
import { countCachedResponses } from "./llm-cache-store.js";
import { summarizeProcessingLogs } from "./processing-log-store.js";

export interface SharedCacheStats {
  /** Non-expired rows in llm_cache. */
  readonly tableEntries: number;
  readonly hits: number;
  readonly misses: number;
}

export async function readSharedCacheStats(
  db: Queryable,
  now: Date = new Date(),
): Promise<SharedCacheStats> {
  const tableEntries = await countCachedResponses(db, now);
  const logs = await summarizeProcessingLogs(db);
  return { tableEntries, hits: logs.cacheHits, misses: logs.calls };
}
