// llm_processing_logs: one row per LLM call (and per cache hit), for cost and failure analysis.
import type { Queryable } from "./database.js";

/**
 * - `succeeded`: the call returned and its output passed the checks;
 * - `rejected`:  the call returned but its output failed parsing/schema/guards
 *                (error_category names the check, e.g. `guard_failed`, `schema_invalid`);
 * - `declined`:  the call returned the model's word that the source gives nothing to write
 *                from (a profile of a listing that states no trait): the item is skipped;
 * - `failed`:    the call itself failed (error_category is the LlmError category);
 * - `cache_hit`: no call was made; the result came from the cache (zero tokens and cost).
 */
export const PROCESSING_LOG_STATUSES = [
  "succeeded",
  "rejected",
  "declined",
  "failed",
  "cache_hit",
] as const;
export type ProcessingLogStatus = (typeof PROCESSING_LOG_STATUSES)[number];

/** Optional fields take `undefined` or `null` alike (both become SQL NULL). */
export interface ProcessingLogRow {
  readonly animalId: number | null | undefined;
  readonly processingType: string;
  readonly targetLanguage?: string | null | undefined;
  /** One of PROCESSING_LOG_STATUSES. */
  readonly status: string;
  /** The served model when known, else the requested one. */
  readonly model?: string | null | undefined;
  readonly promptTokens?: number | null | undefined;
  readonly completionTokens?: number | null | undefined;
  readonly costUsd?: number | null | undefined;
  readonly latencyMs?: number | null | undefined;
  readonly errorCategory?: string | null | undefined;
  /** Never holds secrets: pass error messages built by our own code (LlmError redacts keys). */
  readonly errorMessage?: string | null | undefined;
  readonly runId?: string | null | undefined;
  /** The prompt version the call was made with. */
  readonly promptVersion?: string | null | undefined;
  /** The experiment arm the call was made for (migration 012). */
  readonly experiment?: { readonly id: number; readonly arm: string } | null | undefined;
  /** `sync` (default) or `batch`: which transport, hence which price, the call had. */
  readonly transport?: string | null | undefined;
  readonly providerBatchId?: string | null | undefined;
  /** `generation` (default) or `verification` (a claim check, migration 013). */
  readonly callKind?: string | null | undefined;
}

/** Inserts many rows in one statement. */
export async function insertProcessingLogs(
  db: Queryable,
  rows: readonly ProcessingLogRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const { sql, params } = processingLogsInsert(rows, 1);
  await db.query(sql, params, { prepare: true });
}

/**
 * The INSERT of `rows`, with its parameters numbered from `$firstParam`: a caller with a
 * statement of its own runs it as a data-modifying CTE of that statement (one round trip).
 */
export function processingLogsInsert(
  rows: readonly ProcessingLogRow[],
  firstParam: number,
): { sql: string; params: unknown[] } {
  const column = <T>(pick: (r: ProcessingLogRow) => T | null | undefined) =>
    rows.map((r) => pick(r) ?? null);
  const whole = (n: number | null | undefined) =>
    n === null || n === undefined ? null : Math.round(n);
  const types = [
    "int",
    "text",
    "text",
    "text",
    "text",
    "int",
    "int",
    "numeric",
    "int",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "int",
    "text",
    "text",
  ];
  const arrays = types.map((type, i) => `$${firstParam + i}::${type}[]`).join(", ");
  return {
    sql: `INSERT INTO llm_processing_logs
       (animal_id, processing_type, target_language, status, model, prompt_tokens,
        completion_tokens, cost_usd, latency_ms, error_category, error_message, run_id,
        prompt_version, transport, provider_batch_id, experiment_id, experiment_arm, call_kind)
     SELECT u.animal_id, u.processing_type, u.target_language, u.status, u.model, u.prompt_tokens,
            u.completion_tokens, u.cost_usd, u.latency_ms, u.error_category, u.error_message,
            u.run_id, u.prompt_version, coalesce(u.transport, 'sync'), u.provider_batch_id,
            u.experiment_id, u.experiment_arm, coalesce(u.call_kind, 'generation')
     FROM unnest(${arrays})
       AS u(animal_id, processing_type, target_language, status, model, prompt_tokens,
            completion_tokens, cost_usd, latency_ms, error_category, error_message, run_id,
            prompt_version, transport, provider_batch_id, experiment_id, experiment_arm, call_kind)`,
    params: [
      column((r) => r.animalId),
      column((r) => r.processingType),
      column((r) => r.targetLanguage),
      column((r) => r.status),
      column((r) => r.model),
      column((r) => whole(r.promptTokens)),
      column((r) => whole(r.completionTokens)),
      column((r) => r.costUsd),
      column((r) => whole(r.latencyMs)),
      column((r) => r.errorCategory),
      column((r) => r.errorMessage?.slice(0, 2000)),
      column((r) => r.runId),
      column((r) => r.promptVersion),
      column((r) => r.transport),
      column((r) => r.providerBatchId),
      column((r) => r.experiment?.id),
      column((r) => r.experiment?.arm),
      column((r) => r.callKind),
    ],
  };
}

export interface ProcessingLogSummary {
  /** Rows that made an LLM call (every status but cache_hit). */
  readonly calls: number;
  readonly succeeded: number;
  readonly cacheHits: number;
  /** Rows with status failed or rejected, by error category ("unknown" when none). */
  readonly failuresByCategory: Readonly<Record<string, number>>;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
}

export async function summarizeProcessingLogs(
  db: Queryable,
  filter: { runId?: string } = {},
): Promise<ProcessingLogSummary> {
  const rows = await db.query<{
    status: string;
    error_category: string | null;
    n: number;
    prompt_tokens: number;
    completion_tokens: number;
    cost_usd: number;
  }>(
    `SELECT status, error_category, COUNT(*)::int AS n,
            COALESCE(SUM(prompt_tokens), 0)::float8 AS prompt_tokens,
            COALESCE(SUM(completion_tokens), 0)::float8 AS completion_tokens,
            COALESCE(SUM(cost_usd), 0)::float8 AS cost_usd
       FROM llm_processing_logs
      WHERE ($1::text IS NULL OR run_id = $1)
      GROUP BY status, error_category`,
    [filter.runId ?? null],
  );
  let calls = 0;
  let succeeded = 0;
  let cacheHits = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let costUsd = 0;
  const failuresByCategory: Record<string, number> = {};
  for (const row of rows) {
    promptTokens += row.prompt_tokens;
    completionTokens += row.completion_tokens;
    costUsd += row.cost_usd;
    if (row.status === "cache_hit") {
      cacheHits += row.n;
      continue;
    }
    calls += row.n;
    if (row.status === "succeeded") succeeded += row.n;
    else {
      const category = row.error_category ?? "unknown";
      failuresByCategory[category] = (failuresByCategory[category] ?? 0) + row.n;
    }
  }
  return {
    calls,
    succeeded,
    cacheHits,
    failuresByCategory,
    promptTokens,
    completionTokens,
    costUsd,
  };
}
