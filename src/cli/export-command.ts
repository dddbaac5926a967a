// `rescue-llm export [-o org] [--approved] [--format jsonl|csv]`: every result in effect with
// its review state and provenance, streamed to stdout (CSV through csv-stringify).
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { stringify } from "csv-stringify";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/open-database.js";
import { findOrganizationByConfigId } from "../db/organization-store.js";
import { streamExportRows, type ExportRow } from "../db/review-export-store.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { CommandIo } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

const FORMATS = ["jsonl", "csv"] as const;

/** The contract's snake_case record; a profile stays an object in JSONL, JSON text in CSV. */
export function exportRecord(row: ExportRow) {
  return {
    animal_id: row.animalId,
    external_id: row.externalId,
    organization: row.organization,
    name: row.name,
    processing_type: row.processingType,
    target_language: row.targetLanguage === "" ? null : row.targetLanguage,
    review_state: row.reviewState,
    published: row.published,
    origin: row.origin,
    value: row.value,
    model: row.model,
    prompt_version: row.promptVersion,
    source_hash: row.sourceHash,
    made_at: row.madeAt.toISOString(),
    made_by: row.madeBy,
    reviewed_by: row.reviewedBy,
    reviewed_at: row.reviewedAt?.toISOString() ?? null,
    stale: row.stale,
    flagged: row.flagged,
    flags: [...row.flags],
  };
}

const CSV_COLUMNS = Object.keys(
  exportRecord({
    animalId: 0,
    externalId: null,
    organization: null,
    name: "",
    processingType: "description_cleaning",
    targetLanguage: "",
    reviewState: null,
    published: false,
    origin: "pipeline",
    value: null,
    model: null,
    promptVersion: null,
    sourceHash: null,
    madeAt: new Date(0),
    madeBy: null,
    reviewedBy: null,
    reviewedAt: null,
    stale: false,
    flagged: false,
    flags: [],
  }),
);

export function registerExport(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("export")
    .description("Stream every result with its review state and provenance (JSONL or CSV)")
    .option("-o, --organization <config_id>", "only this organization's dogs")
    .option("--approved", "only results a person approved (and that are published)")
    .option("--format <format>", "jsonl or csv", "jsonl")
    .action(async (options: { organization?: string; approved?: boolean; format: string }) => {
      if (!(FORMATS as readonly string[]).includes(options.format)) {
        throw new ValidationError(`--format must be one of ${FORMATS.join(", ")}`, "format");
      }
      const db = await openDatabase(loadConfig(io.env));
      try {
        let organizationId: number | undefined;
        if (options.organization !== undefined) {
          const org = await findOrganizationByConfigId(db, options.organization);
          if (!org) throw new NotFoundError(`Unknown organization "${options.organization}"`);
          organizationId = org.id;
        }
        const rows = Readable.from(
          streamExportRows(db, {
            approvedOnly: options.approved ?? false,
            ...(organizationId !== undefined && { organizationId }),
          }),
        );
        const format =
          options.format === "csv"
            ? stringify({
                header: true,
                columns: CSV_COLUMNS,
                cast: { boolean: (value) => (value ? "true" : "false") },
              })
            : new Transform({
                writableObjectMode: true,
                transform(record, _encoding, callback) {
                  callback(null, `${JSON.stringify(record)}\n`);
                },
              });
        const records = new Transform({
          objectMode: true,
          transform(row: ExportRow, _encoding, callback) {
            const record = exportRecord(row);
            callback(
              null,
              options.format === "csv"
                ? {
                    ...record,
                    value:
                      typeof record.value === "string"
                        ? record.value
                        : JSON.stringify(record.value),
                    flags: record.flags.join("; "),
                  }
                : record,
            );
          },
        });
        // Backpressure all the way: the database is read as fast as stdout takes the lines.
        await pipeline(rows, records, format, io.stdout, { end: false });
      } finally {
        await db.close();
      }
      setExit(EXIT.ok);
    });
}
