// The persistent llm_cache table (migration 006), shared by every process.
// Expiry is compared with a `now` the caller passes, so tests can drive time.
import type { Queryable } from "./database.js";

export interface CachedResponseRow {
  readonly key: string;
  readonly processingType: string;
  readonly model: string | undefined;
  /** Any JSON value; stored as JSONB. */
  readonly response: unknown;
  readonly expiresAt: Date;
}

export interface StoredResponse {
  readonly response: unknown;
  readonly expiresAt: Date;
}

/** The stored responses among `keys` that have not expired, in one statement. */
export async function getCachedResponses(
  db: Queryable,
  keys: readonly string[],
  now: Date,
): Promise<Map<string, StoredResponse>> {
  const found = new Map<string, StoredResponse>();
  if (keys.length === 0) return found;
  const rows = await db.query<{ cache_key: string; response: unknown; expires_at: Date | string }>(
    // cache_key is char(64): bpchar[] keeps the primary-key index usable, and ::text drops the
    // blank padding a shorter key would come back with.
    `SELECT cache_key::text AS cache_key, response, expires_at FROM llm_cache
     WHERE cache_key = ANY($1::bpchar[]) AND expires_at > $2`,
    [keys, now.toISOString()],
    { prepare: true },
  );
  for (const row of rows) {
    found.set(row.cache_key, { response: row.response, expiresAt: new Date(row.expires_at) });
  }
  return found;
}

export async function upsertCachedResponse(db: Queryable, row: CachedResponseRow): Promise<void> {
  await upsertCachedResponses(db, [row]);
}

/**
 * Many rows in one statement; a key given twice keeps its last row. The statement commits
 * without waiting for its WAL flush (synchronous_commit off for this transaction only): the
 * row is visible to every process at once and survives the writer's death, and only a crash
 * of PostgreSQL itself within a fraction of a second could lose it, which costs a call again,
 * never a result. Callers wait for this write before giving back a call slot; under a
 * busy disk the flush was most of that wait (short-latency bench: p95 200 ms, 61 ms without).
 */
export async function upsertCachedResponses(
  db: Queryable,
  rows: readonly CachedResponseRow[],
): Promise<void> {
  const latest = [...new Map(rows.map((r) => [r.key, r])).values()];
  if (latest.length === 0) return;
  await db.query(
    // The one-row CTE is joined so that set_config runs, and is_local = true scopes it to the
    // statement's own transaction.
    `WITH async_commit AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))
     INSERT INTO llm_cache (cache_key, processing_type, model, response, expires_at)
     SELECT u.key, u.type, u.model, u.response::jsonb, u.expires_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
       AS u(key, type, model, response, expires_at), async_commit
     ON CONFLICT (cache_key) DO UPDATE
       SET processing_type = EXCLUDED.processing_type, model = EXCLUDED.model,
           response = EXCLUDED.response, created_at = now(), expires_at = EXCLUDED.expires_at`,
    [
      latest.map((r) => r.key),
      latest.map((r) => r.processingType),
      latest.map((r) => r.model ?? null),
      latest.map((r) => JSON.stringify(r.response)),
      latest.map((r) => r.expiresAt.toISOString()),
    ],
    { prepare: true },
  );
}

/** Rows that have not expired. */
export async function countCachedResponses(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    "SELECT COUNT(*)::int AS n FROM llm_cache WHERE expires_at > $1",
    [now.toISOString()],
  );
  return rows[0]?.n ?? 0;
}

/** Deletes expired rows; returns how many. */
export async function purgeExpiredCachedResponses(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    "WITH gone AS (DELETE FROM llm_cache WHERE expires_at <= $1 RETURNING 1) SELECT COUNT(*)::int AS n FROM gone",
    [now.toISOString()],
  );
  return rows[0]?.n ?? 0;
}
