// `rescue-llm batches [--json]`: provider batches this database knows of — state, the
// provider's request counts, cost, the run that submitted them and the run waiting for them.
import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { listBatches, type BatchListRow } from "../db/batch-store.js";
import { openDatabase } from "../db/open-database.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

export function registerBatches(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("batches")
    .description(
      "List provider batches (Batch API): state, request counts, cost and the run they belong to",
    )
    .option("-l, --limit <n>", "batches listed, newest first", "50")
    .option("--json", "print JSON")
    .action(async (options: { limit: string; json?: boolean }) => {
      const db = await openDatabase(loadConfig(io.env));
      let rows: BatchListRow[];
      try {
        rows = await listBatches(db, Math.max(1, Number(options.limit) || 50));
      } finally {
        await db.close();
      }
      if (options.json) {
        writeLine(io.stdout, JSON.stringify(rows.map(toJson)));
        setExit(EXIT.ok);
        return;
      }
      if (rows.length === 0) {
        writeLine(
          io.stdout,
          "No provider batches yet (run a processing command with --batch-api).",
        );
        setExit(EXIT.ok);
        return;
      }
      writeLine(
        io.stdout,
        `  ${"provider batch".padEnd(32)} ${"type".padEnd(21)} ${"state".padEnd(10)} ${"provider".padEnd(11)} ${"done/total".padStart(11)} ${"failed".padStart(6)} ${"cost".padStart(10)}  run`,
      );
      for (const b of rows) {
        writeLine(
          io.stdout,
          `  ${(b.providerBatchId ?? `(${b.id})`).slice(0, 32).padEnd(32)} ${b.processingType.padEnd(21)} ${b.state.padEnd(10)} ${(b.providerStatus ?? "-").padEnd(11)} ${`${b.completed}/${b.requests}`.padStart(11)} ${String(b.failed).padStart(6)} ${(b.costUsd === null ? "-" : `$${b.costUsd.toFixed(4)}`).padStart(10)}  ${b.runId}${b.owner !== b.runId ? ` (resumed by ${b.owner})` : ""}`,
        );
        if (b.error !== null) writeLine(io.stdout, `      ${b.error}`);
      }
      const open = rows.filter((b) => ["live", "terminal", "submitting"].includes(b.state));
      if (open.length > 0) {
        writeLine(
          io.stdout,
          `\n  ${open.length} open: the next run of their processing type resumes waiting for them.`,
        );
      }
      setExit(EXIT.ok);
    });
}

function toJson(b: BatchListRow) {
  return {
    id: b.id,
    provider_batch_id: b.providerBatchId,
    processing_type: b.processingType,
    model: b.model,
    state: b.state,
    provider_status: b.providerStatus,
    request_counts: { total: b.requests, completed: b.completed, failed: b.failed },
    cost_usd: b.costUsd,
    run_id: b.runId,
    owner: b.owner,
    error: b.error,
    created_at: b.createdAt,
    finished_at: b.finishedAt,
  };
}
