// `npm run demo`: the main job end to end on the embedded database — import our sample
// listings, clean, profile and translate them, then show stats and two before/after examples.
// Without OPENROUTER_API_KEY it runs against the built-in fake OpenRouter and says so.
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { loadConfig, PROCESSING_TYPES, type ProcessingType } from "../config.js";
import { openServices } from "../composition-root.js";
import { getEnrichmentStats } from "../db/stats-store.js";
import {
  resolveOrganization,
  resolveRunRequest,
} from "../enrichment/pipeline/resolve-run-request.js";
import { runEnrichment } from "../enrichment/pipeline/run-enrichment.js";
import { importListings } from "../listings/import-listings.js";
import { createLogger } from "../logger.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../testing/fake-openrouter/fake-openrouter-server.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";
import { createProgressReporter } from "./progress-reporter.js";

export const DEMO_SAMPLE_FILE = fileURLToPath(
  new URL("../../examples/sample-listings.jsonl", import.meta.url),
);
const DEMO_ORGANIZATION = "demo-rescue";

const LABELS: Record<ProcessingType, string> = {
  description_cleaning: "Cleaning descriptions",
  dog_profiler: "Writing profiles",
  translation: "Translating",
};

export function registerDemo(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("demo")
    .description("Import sample listings and run all three processing types on them")
    .action(async () => {
      setExit(await runDemo(io));
    });
}

async function runDemo(io: CommandIo): Promise<number> {
  const out = (line = "") => writeLine(io.stdout, line);
  let fake: FakeOpenRouter | undefined;
  let env = io.env;
  if (!io.env.OPENROUTER_API_KEY) {
    fake = await startFakeOpenRouter({ latency: { medianMs: 120, sigma: 0.4 } });
    env = { ...io.env, LLM_BASE_URL: fake.baseUrl, OPENROUTER_API_KEY: undefined };
    out("No OPENROUTER_API_KEY set: using the built-in fake OpenRouter (simulated model answers,");
    out("no network, no cost). Set OPENROUTER_API_KEY to run the same demo against the real one.");
  } else {
    out("OPENROUTER_API_KEY set: calling the real provider (this costs a few cents).");
  }
  const config = loadConfig(env);
  const services = await openServices(config, {
    logger: createLogger(config.logLevel === "info" ? "error" : config.logLevel, io.stderr),
  });
  try {
    out(
      `Database: ${config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${config.dataDir}`}`,
    );
    const report = await importListings(
      { db: services.db },
      { filePath: DEMO_SAMPLE_FILE, organization: DEMO_ORGANIZATION, createOrganizations: true },
    );
    out(
      `Imported sample listings: ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged.`,
    );
    out();
    let failed = 0;
    for (const type of PROCESSING_TYPES) {
      if (!config.features[type]) {
        out(`${LABELS[type]}: skipped (feature disabled)`);
        continue;
      }
      const plan = await resolveRunRequest(services.pipeline, {
        processingType: type,
        organization: DEMO_ORGANIZATION,
      });
      const reporter = createProgressReporter(io.stderr, LABELS[type]);
      const summary = await runEnrichment(services.pipeline, plan, {
        signal: io.signal,
        onProgress: (p) => reporter.update(p),
      });
      reporter.stop();
      failed += summary.failed;
      out(
        `${LABELS[type]}: ${summary.succeeded} ok, ${summary.failed} failed, ${summary.skipped} skipped ` +
          `in ${(summary.processingTimeMs / 1000).toFixed(1)}s — ${summary.llmCalls} LLM calls` +
          (summary.verificationCalls > 0 ? ` (${summary.verificationCalls} verifications)` : "") +
          ", " +
          `${summary.cacheHits} cache hits, $${summary.costUsd.toFixed(4)}`,
      );
      for (const item of summary.items.filter((i) => i.status === "failed").slice(0, 3)) {
        out(
          `  #${item.animalId}${item.targetLanguage ? ` (${item.targetLanguage})` : ""} failed: ${(item.reasons ?? []).join("; ")}`,
        );
      }
      if (summary.stop) {
        out(`Stopped: ${summary.stop.error.message}`);
        break;
      }
    }
    const organization = await resolveOrganization(services.pipeline.directory, DEMO_ORGANIZATION);
    const stats = await getEnrichmentStats(services.db, { organizationId: organization.id });
    out();
    out(
      `Coverage for ${DEMO_ORGANIZATION}: ${stats.totalAnimals} dogs, descriptions ${stats.enrichmentCoveragePercent}%, ` +
        `profiles ${stats.profileCoveragePercent}%, translations ${stats.translationCoveragePercent}%`,
    );
    await printExamples(services.db, out);
    out();
    out("Run it again: finished items are skipped, so a rerun makes no LLM calls.");
    printReviewHelp(config, out);
    return failed > 0 ? EXIT.someFailed : EXIT.ok;
  } finally {
    await services.close();
    await fake?.close();
  }
}

async function printExamples(
  db: { query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> },
  out: (line?: string) => void,
): Promise<void> {
  const rows = await db.query<{
    name: string;
    description: string;
    enriched_description: string | null;
    dog_profiler_data: { tagline?: string; personality_traits?: string[] } | null;
    translations: Record<string, string> | null;
  }>(
    `SELECT a.name, a.properties->>'description' AS description, a.enriched_description,
            a.dog_profiler_data, a.translations
     FROM animals a JOIN organizations o ON o.id = a.organization_id
     WHERE o.config_id = $1 AND a.external_id = ANY($2::text[])
     ORDER BY a.external_id`,
    [DEMO_ORGANIZATION, ["demo-002", "demo-006"]],
  );
  for (const row of rows) {
    out();
    out(`── ${row.name} ──`);
    out(`before:  ${row.description}`);
    out(`after:   ${row.enriched_description ?? "(not cleaned)"}`);
    if (row.dog_profiler_data) {
      out(
        `profile: "${row.dog_profiler_data.tagline ?? ""}" — ${(row.dog_profiler_data.personality_traits ?? []).join(", ")}`,
      );
    }
    const de = row.translations?.de;
    if (de) out(`de:      ${de}`);
  }
}

/** How to open the review pages on the demo's data (issue 16). */
function printReviewHelp(
  config: { host: string; port: number; apiKeys: readonly string[]; reviewMode: string },
  out: (line?: string) => void,
): void {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  out();
  out("Review the results in your browser:");
  out("  npm run rescue-llm -- serve");
  out(`  then open http://${host.includes(":") ? `[${host}]` : host}:${config.port}/review`);
  if (config.apiKeys.length === 0) {
    out("  No API_KEYS set: in development the pages open without sign-in (actions are recorded");
    out(
      '  as "development"). To sign in as yourself, start serve with API_KEYS=yourname:some-secret',
    );
    out("  and enter some-secret on the sign-in page.");
  } else {
    out("  Sign in with one of your API_KEYS (an entry `name:key` records you as `name`).");
  }
  out(
    config.reviewMode === "required"
      ? "  REVIEW_MODE=required: nothing is published until you approve it there."
      : "  REVIEW_MODE=off: outputs were published as they passed their checks; set REVIEW_MODE=required to publish only what you approve.",
  );
}
