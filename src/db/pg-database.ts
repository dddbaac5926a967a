import { createHash } from "node:crypto";
import pg from "pg";
import { DatabaseUnavailableError } from "../errors.js";
import type { Database, DedicatedSession, Queryable, QueryOptions } from "./database.js";

// int8 (COUNT, SUM of ints) and numeric come back as strings by default; we cast in SQL
// where a number is wanted, and parse int8 here so both adapters return the same types.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PgOptions {
  /** Connections in the pool; writes are batched, so a few suffice. */
  maxConnections?: number;
  /**
   * Honour `prepare` (default true). Off where connections share one server session (the
   * embedded database's socket), whose statement names would collide.
   */
  prepareStatements?: boolean;
}

/**
 * The server rejected a statement name: it was never prepared on the server connection this
 * client now has (a pooler in transaction mode handed it another one), or prepared twice.
 */
const PREPARED_STATEMENT_CODES = new Set(["26000", "42P05"]);

const statementNames = new Map<string, string>();
/** One name per statement text, the same in every process (texts come from a fixed set). */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `rescue_llm_${createHash("sha256").update(sql).digest("hex").slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** PostgreSQL through `pg`. Verifies the connection up front so a bad URL fails in one line. */
export async function openPgDatabase(url: string, options: PgOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process.
  pool.on("error", () => {});
  // Prepared statements save PostgreSQL a parse and plan per statement (about a quarter of
  // its CPU on the warm pipeline path); a server that refuses a statement name turns them off
  // for this pool, and the statement or transaction runs once more without.
  let preparing = options.prepareStatements ?? true;
  const refusedName = (error: unknown, prepared: boolean): boolean => {
    const code = (error as { code?: string } | null)?.code;
    if (!prepared || code === undefined || !PREPARED_STATEMENT_CODES.has(code)) return false;
    preparing = false;
    return true;
  };
  const wrap = (q: pg.Pool | pg.PoolClient, used: { prepared: boolean }): Queryable => {
    const queryable: Queryable = {
      async exec(sql: string) {
        try {
          await q.query(sql);
        } catch (error) {
          throw connectionError(error, url) ?? error;
        }
      },
      async query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions) {
        const values = params as unknown[];
        const prepared = preparing && options?.prepare === true;
        used.prepared ||= prepared;
        try {
          const result = prepared
            ? await q.query({ name: statementName(sql), text: sql, values })
            : await q.query(sql, values);
          return result.rows as Row[];
        } catch (error) {
          // Outside a transaction the statement can simply run again, unprepared.
          if (q === pool && refusedName(error, prepared)) return queryable.query<Row>(sql, params);
          throw connectionError(error, url) ?? error;
        }
      },
    };
    return queryable;
  };
  /** One attempt; `undefined` when it rolled back on a refused statement name and may run again. */
  const attempt = async <T>(
    fn: (tx: Queryable) => Promise<T>,
    last: boolean,
  ): Promise<{ value: T } | undefined> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw connectionError(error, url) ?? error;
    }
    const used = { prepared: false };
    try {
      await client.query("BEGIN");
      const value = await fn(wrap(client, used));
      await client.query("COMMIT");
      return { value };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if (!last && refusedName(error, used.prepared)) return undefined;
      throw error;
    } finally {
      client.release();
    }
  };
  const db: Database = {
    kind: "postgres",
    ...wrap(pool, { prepared: false }),
    async transaction(fn) {
      const done = (await attempt(fn, false)) ?? (await attempt(fn, true));
      return done!.value;
    },
    openSession: (applicationName) => openSession(url, applicationName),
    close: () => pool.end(),
  };
  await db.query("SELECT 1");
  return db;
}

async function openSession(url: string, applicationName: string): Promise<DedicatedSession> {
  const client = new pg.Client({
    connectionString: url,
    application_name: applicationName.slice(0, 63),
    connectionTimeoutMillis: 10_000,
  });
  let closing = false;
  let lost: Error | undefined;
  const listeners: ((error: Error) => void)[] = [];
  const loseWith = (error: Error) => {
    if (closing || lost !== undefined) return;
    lost = error;
    for (const listener of listeners.splice(0)) listener(error);
  };
  client.on("error", (error) => loseWith(error));
  client.on("end", () => loseWith(new Error("the database connection ended")));
  try {
    await client.connect();
  } catch (error) {
    throw connectionError(error, url) ?? error;
  }
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, params as unknown[]);
      return result.rows as Row[];
    },
    onLost(listener) {
      if (lost !== undefined) listener(lost);
      else listeners.push(listener);
    },
    async close() {
      closing = true;
      await client.end().catch(() => {});
    },
  };
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "28P01", // invalid password
  "28000", // invalid authorization
  "3D000", // database does not exist
  "57P03", // cannot connect now
]);

/** Turns a connection failure into one clear line naming host, port and database. */
export function connectionError(error: unknown, url: string): DatabaseUnavailableError | undefined {
  const code = (error as { code?: string } | null)?.code;
  const isTimeout = error instanceof Error && /timeout/i.test(error.message) && code === undefined;
  if (!isTimeout && (code === undefined || !CONNECTION_CODES.has(code))) return undefined;
  let where = "the configured DATABASE_URL";
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || "5432"}/${decodeURIComponent(u.pathname.slice(1)) || "(default)"} as ${decodeURIComponent(u.username) || "(default user)"}`;
  } catch {
    // keep the generic wording: never echo an unparsable URL, it may hold a password
  }
  const reason =
    code === "3D000"
      ? "database does not exist"
      : code === "28P01" || code === "28000"
        ? "authentication failed"
        : code === "ENOTFOUND" || code === "EAI_AGAIN"
          ? "host not found"
          : isTimeout || code === "ETIMEDOUT"
            ? "connection timed out"
            : "connection refused";
  return new DatabaseUnavailableError(`Cannot connect to PostgreSQL at ${where}: ${reason}`, {
    cause: error,
  });
}
