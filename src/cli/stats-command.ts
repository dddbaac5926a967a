import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { toEnrichmentStatsJson } from "../contract/enrichment-stats-json.js";
import { createListingDirectory } from "../db/listing-directory.js";
import { openDatabase } from "../db/open-database.js";
import { countHeldItems, getEnrichmentStats, type EnrichmentStats } from "../db/stats-store.js";
import { resolveOrganization } from "../enrichment/pipeline/resolve-run-request.js";
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
    .option("-o, --organization <config_id>", "only this organization's animals (or its id)")
    .option("--json", "print the stats as one JSON object")
    .action(async (options: { organization?: string; json?: boolean }) => {
      const config = loadConfig(io.env);
      const db = await openDatabase(config);
      let stats: EnrichmentStats;
      let held: { processingType: string; items: number }[];
      try {
        const organization =
          options.organization === undefined
            ? undefined
            : await resolveOrganization(createListingDirectory(db), options.organization);
        stats = await getEnrichmentStats(db, { organizationId: organization?.id });
        held = await countHeldItems(db, {
          organizationId: organization?.id,
          maxItemAttempts: config.maxItemAttempts,
        });
      } finally {
        await db.close();
      }
      if (options.json) {
        writeLine(io.stdout, JSON.stringify(toEnrichmentStatsJson(stats)));
      } else {
        const scope = options.organization ?? "all organizations";
        writeLine(io.stdout, `Enrichment stats (${scope})`);
        const rows: [string, number, number | undefined][] = [
          ["Total animals", stats.totalAnimals, undefined],
          ["Enriched descriptions", stats.enrichedDescriptions, stats.enrichmentCoveragePercent],
          ["Dog profiles", stats.dogProfiles, stats.profileCoveragePercent],
          ["With translations", stats.withTranslations, stats.translationCoveragePercent],
        ];
        for (const [label, count, percent] of rows) {
          const share = percent === undefined ? "" : `  ${percent.toFixed(1).padStart(5)}%`;
          writeLine(io.stdout, `  ${label.padEnd(22)}${String(count).padStart(8)}${share}`);
        }
        for (const h of held) {
          writeLine(
            io.stdout,
            `  ${h.items} ${h.processingType} item(s) failed their checks ${config.maxItemAttempts} times (LLM_MAX_ITEM_ATTEMPTS): held until their source or prompt changes, or --force`,
          );
        }
      }
      setExit(EXIT.ok);
    });
}
