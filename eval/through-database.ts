// The eval's last part: the same planted faults through the real pipeline and an embedded
// PGlite database, synchronously and through the Batch API. A first run stores the honest
// results; then a forced run per fault kind. What counts is what the database holds after
// each: a value that changed is a fault that reached it (the fake's honest answers do not
// vary), a source listing must be exactly as imported, and an item whose new answer failed
// keeps its earlier good value.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openServices } from "../src/composition-root.js";
import { loadConfig, type ProcessingType } from "../src/config.js";
import { resolveRunRequest } from "../src/enrichment/pipeline/resolve-run-request.js";
import { runEnrichment } from "../src/enrichment/pipeline/run-enrichment.js";
import { importListings } from "../src/listings/import-listings.js";
import { createLogger } from "../src/logger.js";
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultTask,
} from "../src/testing/fault-planting-responder.js";

export interface DatabaseEvalInput {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Raw listing lines to import (JSON objects as in ../shared/data). */
  readonly listings: readonly Record<string, unknown>[];
  readonly targets: readonly string[];
  /** Sets the fault the fake plants from now on (undefined: honest answers). */
  setFault(fault: FaultKind | undefined): void;
  /** How many distinct outputs the fake planted a fault in since the last setFault. */
  plantedCount(): number;
}

export interface DatabaseEvalRow {
  readonly mode: "sync" | "batch";
  readonly task: FaultTask;
  readonly fault: FaultKind;
  readonly planted: number;
  /** Stored values that changed under the fault: faults that reached the database. */
  readonly reached: number;
  /** Good values that a failed item lost (became NULL). */
  readonly goodValuesLost: number;
  readonly sourcesModified: number;
}

interface Snapshot {
  readonly properties: Map<number, string>;
  /** `${animal}|${type}|${language}` → the stored value as JSON. */
  readonly values: Map<string, string>;
}

async function snapshot(db: { query<T>(sql: string): Promise<T[]> }): Promise<Snapshot> {
  const rows = await db.query<{
    id: number;
    properties: unknown;
    enriched_description: string | null;
    dog_profiler_data: unknown;
    translations: Record<string, string> | null;
  }>("SELECT id, properties, enriched_description, dog_profiler_data, translations FROM animals");
  const properties = new Map<number, string>();
  const values = new Map<string, string>();
  for (const r of rows) {
    properties.set(r.id, JSON.stringify(r.properties));
    if (r.enriched_description !== null) {
      values.set(`${r.id}|description_cleaning|`, JSON.stringify(r.enriched_description));
    }
    if (r.dog_profiler_data !== null) {
      values.set(`${r.id}|dog_profiler|`, JSON.stringify(r.dog_profiler_data));
    }
    for (const [lang, text] of Object.entries(r.translations ?? {})) {
      values.set(`${r.id}|translation|${lang}`, JSON.stringify(text));
    }
  }
  return { properties, values };
}

const TASK_ORDER: readonly FaultTask[] = ["description_cleaning", "dog_profiler", "translation"];

export async function evaluateThroughDatabase(
  input: DatabaseEvalInput,
): Promise<DatabaseEvalRow[]> {
  const rows: DatabaseEvalRow[] = [];
  for (const mode of ["sync", "batch"] as const) {
    const dataDir = mkdtempSync(join(tmpdir(), "rescue-llm-eval-"));
    const config = loadConfig({
      ENVIRONMENT: "test",
      LLM_BASE_URL: input.baseUrl,
      OPENROUTER_API_KEY: input.apiKey,
      LLM_RETRY_MAX_ATTEMPTS: "1",
      LLM_BATCH_API_POLL_SECONDS: "0.05",
      // A batch names one model (the Batch API has no openrouter/auto); sync uses it too.
      LLM_DEFAULT_MODEL: "openai/gpt-4o-mini",
      RESCUE_LLM_DATA_DIR: dataDir,
      LOG_LEVEL: "silent",
    });
    const services = await openServices(config, {
      logger: createLogger("silent"),
      batchIdleFlushMs: 50,
    });
    try {
      const file = join(dataDir, "listings.jsonl");
      writeFileSync(file, input.listings.map((l) => JSON.stringify(l)).join("\n") + "\n");
      await importListings({ db: services.db }, { filePath: file, createOrganizations: true });
      const run = async (processingType: ProcessingType, force: boolean) => {
        const plan = await resolveRunRequest(services.pipeline, {
          processingType,
          force,
          mode,
          ...(processingType === "translation" && {
            targetLanguages: input.targets as never,
          }),
        });
        return runEnrichment(services.pipeline, plan, {});
      };
      input.setFault(undefined);
      for (const task of TASK_ORDER) await run(task, false);
      for (const task of TASK_ORDER) {
        for (const fault of FAULT_KINDS[task]) {
          const before = await snapshot(services.db);
          input.setFault(fault);
          await run(task, true);
          const planted = input.plantedCount();
          input.setFault(undefined);
          const after = await snapshot(services.db);
          let reached = 0;
          let lost = 0;
          for (const [key, value] of before.values) {
            if (!key.includes(`|${task}|`)) continue;
            const now = after.values.get(key);
            if (now === undefined) lost++;
            else if (now !== value) reached++;
          }
          let modified = 0;
          for (const [id, properties] of before.properties) {
            if (after.properties.get(id) !== properties) modified++;
          }
          rows.push({
            mode,
            task,
            fault,
            planted,
            reached,
            goodValuesLost: lost,
            sourcesModified: modified,
          });
        }
      }
    } finally {
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return rows;
}
