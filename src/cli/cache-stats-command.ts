// `rescue-llm cache-stats`: the LLM response cache as every process shares it — the
// persistent llm_cache table and the lookups the call log recorded — beside this process's
// memory layer (empty in a fresh CLI process; GET /api/llm/cache-stats shows serve's).
import type { Command } from "commander";
import { toCacheStatsJson, type CacheStatsJson } from "../contract/cache-stats-json.js";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/open-database.js";
import { readSharedCacheStats } from "../db/shared-cache-stats.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

export function registerCacheStats(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("cache-stats")
    .description(
      "Show LLM response cache statistics: the shared table, logged hits/misses, this process's memory",
    )
    .option("--json", "print one JSON object (rates as fractions; *_percent in percent)")
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig(io.env);
      const db = await openDatabase(config);
      try {
        const shared = await readSharedCacheStats(db);
        // A CLI process has looked nothing up: its memory layer is empty.
        const stats = toCacheStatsJson(shared, {
          size: 0,
          maxSize: config.cache.maxSize,
          hits: 0,
          misses: 0,
          hitRatePercent: 0,
          totalRequests: 0,
        });
        if (options.json) writeLine(io.stdout, JSON.stringify(stats));
        else printCacheStats(io, stats, config.cache.enabled);
        setExit(EXIT.ok);
      } finally {
        await db.close();
      }
    });
}

function printCacheStats(io: CommandIo, s: CacheStatsJson, enabled: boolean): void {
  writeLine(io.stdout, `LLM cache${enabled ? "" : " (disabled: LLM_CACHE_ENABLED=false)"}`);
  const rows: [string, string][] = [
    ["table entries (shared, not expired)", String(s.table_size)],
    [
      "memory entries (this process)",
      `${s.memory_size} of at most ${s.max_size} (LLM_CACHE_MAX_SIZE)`,
    ],
    ["hits (logged, all processes)", String(s.hits)],
    ["misses (calls made)", String(s.misses)],
    ["hit rate", `${s.hit_rate_percent}% (${s.hit_rate} of ${s.total_requests} lookups)`],
  ];
  for (const [k, v] of rows) writeLine(io.stdout, `  ${k.padEnd(37)} ${v}`);
}
