import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/open-database.js";
import { importListings } from "../listings/import-listings.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

interface ImportOptions {
  organization?: string;
  createOrganization?: boolean;
  json?: boolean;
}

/** Rejected lines printed in the human summary; --json carries all that were kept. */
const REJECTED_SHOWN = 20;

export function registerImport(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("import")
    .description("Upsert listings from a JSONL file (one listing per line)")
    .argument("<file>", "JSONL file of listings")
    .option(
      "-o, --organization <config_id>",
      "organization for every listing (wins over each line's `organization`); must exist",
    )
    .option(
      "--create-organization",
      "create the organization (-o, or a line's) when no organization has that config_id",
    )
    .option("--json", "print the result as one JSON object")
    .action(async (file: string, options: ImportOptions) => {
      const config = loadConfig(io.env);
      const db = await openDatabase(config);
      let report;
      try {
        report = await importListings(
          { db },
          {
            filePath: file,
            organization: options.organization,
            createOrganizations: options.createOrganization === true,
            signal: io.signal,
          },
        );
      } finally {
        await db.close();
      }
      if (options.json) {
        writeLine(io.stdout, JSON.stringify(report));
      } else {
        writeLine(
          io.stdout,
          `Imported ${file}: ${report.inserted} inserted, ${report.updated} updated, ` +
            `${report.unchanged} unchanged, ${report.rejectedCount} rejected` +
            (report.aborted ? " (stopped early)" : ""),
        );
        for (const r of report.rejected.slice(0, REJECTED_SHOWN)) {
          writeLine(io.stdout, `  line ${r.line}: ${r.reason}`);
        }
        if (report.rejectedCount > REJECTED_SHOWN) {
          writeLine(
            io.stdout,
            `  … and ${report.rejectedCount - REJECTED_SHOWN} more rejected lines`,
          );
        }
      }
      setExit(report.rejectedCount > 0 || report.aborted ? EXIT.someFailed : EXIT.ok);
    });
}
