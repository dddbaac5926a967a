import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { toEnrichmentStatsDetailJson } from "../contract/enrichment-stats-json.js";
import { createListingDirectory } from "../db/listing-directory.js";
import { openDatabase } from "../db/open-database.js";
import {
  countHeldItems,
  getEnrichmentBreakdown,
  getEnrichmentStats,
  type EnrichmentBreakdown,
  type EnrichmentStats,
} from "../db/stats-store.js";
import { resolveOrganization } from "../enrichment/pipeline/resolve-run-request.js";
import { skipReasonEntries } from "../enrichment/skip-reason.js";
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
      let breakdown: EnrichmentBreakdown;
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
        breakdown = await getEnrichmentBreakdown(db, { organizationId: organization?.id });
      } finally {
        await db.close();
      }
      if (options.json) {
        writeLine(io.stdout, JSON.stringify(toEnrichmentStatsDetailJson(stats, breakdown)));
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
        writeLine(io.stdout, "  (coverage counts current results only; stale ones are below)");
        printBreakdown(io, breakdown);
      }
      setExit(EXIT.ok);
    });
}

function printBreakdown(io: CommandIo, breakdown: EnrichmentBreakdown): void {
  const reasons = (entries: readonly (readonly [string, number])[]) => {
    const parts = entries.map(([reason, n]) => `${reason.replaceAll("_", " ")} ${n}`);
    return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
  };
  const types = Object.entries(breakdown.byType);
  if (types.length > 0) writeLine(io.stdout, "By processing type (latest attempt per item)");
  for (const [type, t] of types) {
    writeLine(
      io.stdout,
      `  ${type.padEnd(22)}succeeded ${t.succeeded}, stale ${t.stale}, failed ${t.failed}${reasons(Object.entries(t.failedByReason))}, skipped ${t.skipped}${reasons(skipReasonEntries(t.skippedByReason))}`,
    );
  }
  const languages = Object.entries(breakdown.byLanguage);
  if (languages.length > 0) writeLine(io.stdout, "Translations by language");
  for (const [lang, l] of languages) {
    writeLine(
      io.stdout,
      `  ${lang.padEnd(22)}translated ${l.translated} (${l.coveragePercent.toFixed(1)}%), stale ${l.stale}, failed ${l.failed}, skipped ${l.skipped}`,
    );
  }
}
