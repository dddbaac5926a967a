// `rescue-llm costs [-o org] [--since date] [--json]`: spend from the call log.
import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { toCostReportJson } from "../contract/cost-report-json.js";
import { readCostReport } from "../db/cost-report-store.js";
import { createListingDirectory } from "../db/listing-directory.js";
import { openDatabase } from "../db/open-database.js";
import { resolveOrganization } from "../enrichment/pipeline/resolve-run-request.js";
import { ValidationError } from "../errors.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

export function registerCosts(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("costs")
    .description(
      "Spend from the call log: per processing type, model and transport (sync vs batch), per dog and per organization",
    )
    .option("-o, --organization <config_id>", "only this organization's animals (or its id)")
    .option("--since <date>", "only calls since this date (ISO 8601, e.g. 2026-01-31)")
    .option("--json", "print the report as one JSON object")
    .action(async (options: { organization?: string; since?: string; json?: boolean }) => {
      let since: Date | undefined;
      if (options.since !== undefined) {
        since = new Date(options.since);
        if (Number.isNaN(since.getTime())) {
          throw new ValidationError(
            `--since: not a date: "${options.since}" (use ISO 8601, e.g. 2026-01-31)`,
            "--since",
          );
        }
      }
      const db = await openDatabase(loadConfig(io.env));
      let json;
      try {
        const organization =
          options.organization === undefined
            ? undefined
            : await resolveOrganization(createListingDirectory(db), options.organization);
        json = toCostReportJson(
          await readCostReport(db, { organizationId: organization?.id, since }),
        );
      } finally {
        await db.close();
      }
      if (options.json) {
        writeLine(io.stdout, JSON.stringify(json));
        setExit(EXIT.ok);
        return;
      }
      const scope = [
        options.organization ?? "all organizations",
        ...(since ? [`since ${since.toISOString()}`] : []),
      ].join(", ");
      writeLine(io.stdout, `LLM spend (${scope}), from the call log`);
      writeLine(
        io.stdout,
        `  total $${json.total_cost_usd.toFixed(4)} over ${json.llm_calls} calls for ${json.dogs} dogs: $${json.cost_per_dog_usd.toFixed(6)} per dog, ${json.prompt_tokens_per_dog} prompt + ${json.completion_tokens_per_dog} completion tokens per dog`,
      );
      writeLine(io.stdout, "");
      const header = [
        "type".padEnd(29),
        "model".padEnd(28),
        "via".padEnd(6),
        "calls".padStart(7),
        "cached".padStart(7),
        "prompt/dog".padStart(11),
        "compl/dog".padStart(10),
        "cost".padStart(11),
        "per dog".padStart(11),
      ].join(" ");
      writeLine(io.stdout, `  ${header}`);
      for (const r of json.by_type_model_transport) {
        writeLine(
          io.stdout,
          `  ${[
            (r.call_kind === "verification"
              ? `${r.processing_type} (verify)`
              : r.processing_type
            ).padEnd(29),
            r.model.slice(0, 28).padEnd(28),
            r.transport.padEnd(6),
            String(r.llm_calls).padStart(7),
            String(r.cache_hits).padStart(7),
            String(r.prompt_tokens_per_dog).padStart(11),
            String(r.completion_tokens_per_dog).padStart(10),
            `$${r.cost_usd.toFixed(4)}`.padStart(11),
            `$${r.cost_per_dog_usd.toFixed(6)}`.padStart(11),
          ].join(" ")}`,
        );
      }
      if (json.by_organization.length > 1 || options.organization === undefined) {
        writeLine(io.stdout, "");
        writeLine(io.stdout, "  per organization");
        for (const o of json.by_organization) {
          writeLine(
            io.stdout,
            `    ${o.organization.padEnd(30)} $${o.cost_usd.toFixed(4).padStart(9)}  ${String(o.dogs).padStart(6)} dogs  $${o.cost_per_dog_usd.toFixed(6)}/dog`,
          );
        }
      }
      setExit(EXIT.ok);
    });
}
