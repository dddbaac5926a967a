import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/open-database.js";
import { getEnrichmentStats } from "../db/stats-store.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

export function registerStats(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("stats")
    .description("Show enrichment coverage, for all animals or one organization")
    .option("-o, --organization <config_id>", "only this organization's animals")
    .option("--json", "print the stats as one JSON object")
    .action(async (options: { organization?: string; json?: boolean }) => {
      const db = await openDatabase(loadConfig(io.env));
      let stats;
      try {
        stats = await getEnrichmentStats(
          db,
          options.organization !== undefined ? { organizationConfigId: options.organization } : {},
        );
      } finally {
        await db.close();
      }
      if (options.json) {
        writeLine(io.stdout, JSON.stringify(stats));
      } else {
        const total = stats.total_animals;
        const scope = options.organization ?? "all organizations";
        writeLine(io.stdout, `Enrichment stats (${scope})`);
        const rows: [string, number, number | undefined][] = [
          ["Total animals", total, undefined],
          ["Enriched descriptions", stats.enriched_descriptions, stats.enrichment_coverage],
          ["Dog profiles", stats.dog_profiles, stats.profile_coverage],
          ["With translations", stats.with_translations, stats.translation_coverage],
        ];
        for (const [label, count, percent] of rows) {
          const share = percent === undefined ? "" : `  ${percent.toFixed(1).padStart(5)}%`;
          writeLine(io.stdout, `  ${label.padEnd(22)}${String(count).padStart(8)}${share}`);
        }
      }
      setExit(EXIT.ok);
    });
}
