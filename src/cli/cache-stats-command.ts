// `rescue-llm cache-stats`: SPEC §5 cache statistics from a CLI process. A fresh process has
// an empty memory layer, so this reports what all processes share:
//  - size:     non-expired rows in the persistent llm_cache table;
//  - max size: LLM_CACHE_MAX_SIZE (the per-process memory bound);
//  - hits:     llm_processing_logs rows with status 'cache_hit';
//  - misses:   llm_processing_logs rows of every other status (a call was made).
import type { Command } from "commander";
import { toCacheStatsJson } from "../contract/cache-stats-json.js";
import { loadConfig } from "../config.js";
import type { Queryable } from "../db/database.js";
import { countCachedResponses } from "../db/llm-cache-store.js";
import { openDatabase } from "../db/open-database.js";
import { summarizeProcessingLogs } from "../db/processing-log-store.js";
import type { CacheStats } from "../enrichment/result-cache.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

export async function persistentCacheStats(
  db: Queryable,
  maxSize: number,
  now: Date = new Date(),
): Promise<CacheStats> {
  const size = await countCachedResponses(db, now);
  const logs = await summarizeProcessingLogs(db);
  const hits = logs.cacheHits;
  const misses = logs.calls;
  const total = hits + misses;
  return {
    size,
    maxSize,
    hits,
    misses,
    hitRatePercent: total === 0 ? 0 : Math.round((hits / total) * 1000) / 10,
    totalRequests: total,
  };
}

export function registerCacheStats(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("cache-stats")
    .description("Show LLM response cache statistics (persistent cache and logged hits/misses)")
    .option("--json", "print one JSON object")
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig(io.env);
      const db = await openDatabase(config);
      try {
        const stats = await persistentCacheStats(db, config.cache.maxSize);
        if (options.json) writeLine(io.stdout, JSON.stringify(toCacheStatsJson(stats)));
        else {
          writeLine(
            io.stdout,
            `LLM cache${config.cache.enabled ? "" : " (disabled: LLM_CACHE_ENABLED=false)"}`,
          );
          writeLine(io.stdout, `  entries (persistent, not expired): ${stats.size}`);
          writeLine(io.stdout, `  max size (memory, per process):   ${stats.maxSize}`);
          writeLine(io.stdout, `  hits:                             ${stats.hits}`);
          writeLine(io.stdout, `  misses:                           ${stats.misses}`);
          writeLine(io.stdout, `  hit rate:                         ${stats.hitRatePercent}%`);
          writeLine(io.stdout, `  total requests:                   ${stats.totalRequests}`);
        }
        setExit(EXIT.ok);
      } finally {
        await db.close();
      }
    });
}
