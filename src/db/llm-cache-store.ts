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

/** The stored response for `key` unless it has expired; `undefined` when none. */
export async function getCachedResponse(
  db: Queryable,
  key: string,
  now: Date,
): Promise<{ response: unknown; expiresAt: Date } | undefined> {
  const rows = await db.query<{ response: unknown; expires_at: Date | string }>(
    "SELECT response, expires_at FROM llm_cache WHERE cache_key = $1 AND expires_at > $2",
    [key, now.toISOString()],
  );
  const row = rows[0];
  return row ? { response: row.response, expiresAt: new Date(row.expires_at) } : undefined;
}

export async function upsertCachedResponse(db: Queryable, row: CachedResponseRow): Promise<void> {
  await upsertCachedResponses(db, [row]);
}

/** Many rows in one statement; a key given twice keeps its last row. */
export async function upsertCachedResponses(
  db: Queryable,
  rows: readonly CachedResponseRow[],
): Promise<void> {
  const latest = [...new Map(rows.map((r) => [r.key, r])).values()];
  if (latest.length === 0) return;
  await db.query(
    `INSERT INTO llm_cache (cache_key, processing_type, model, response, expires_at)
     SELECT u.key, u.type, u.model, u.response::jsonb, u.expires_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
       AS u(key, type, model, response, expires_at)
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
