import pg from "pg";
import { DatabaseUnavailableError } from "../errors.js";
import type { Database, DedicatedSession, Queryable } from "./database.js";

// int8 (COUNT, SUM of ints) and numeric come back as strings by default; we cast in SQL
// where a number is wanted, and parse int8 here so both adapters return the same types.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PgOptions {
  /** Connections in the pool; writes are batched, so a few suffice. */
  maxConnections?: number;
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
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async exec(sql: string) {
      try {
        await q.query(sql);
      } catch (error) {
        throw connectionError(error, url) ?? error;
      }
    },
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      try {
        const result = await q.query(sql, params as unknown[]);
        return result.rows as Row[];
      } catch (error) {
        throw connectionError(error, url) ?? error;
      }
    },
  });
  const db: Database = {
    kind: "postgres",
    ...wrap(pool),
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw connectionError(error, url) ?? error;
      }
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
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
