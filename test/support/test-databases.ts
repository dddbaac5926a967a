// Each test file gets its own database: an in-memory PGlite always, and a clone of the
// migrated template on real PostgreSQL whenever TEST_DATABASE_URL is set.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { openPgDatabase } from "../../src/db/pg-database.js";
import { openPgliteDatabase } from "../../src/db/pglite-database.js";
import { sleep } from "../../src/sleep.js";

export const TEMPLATE_DATABASE_PREFIX = "rescue_llm_template_";

export type DatabaseKind = "pglite" | "postgres";

/** The kinds every database test runs against. */
export const DATABASE_KINDS: DatabaseKind[] = process.env.TEST_DATABASE_URL
  ? ["pglite", "postgres"]
  : ["pglite"];

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestDatabase {
  db: Database;
  /** Connection URL for subprocesses (postgres only). */
  url: string | undefined;
  dispose(): Promise<void>;
}

export async function createTestDatabase(
  kind: DatabaseKind,
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (kind === "pglite") {
    const db = await openPgliteDatabase();
    if (migrated) await migrate(db);
    return { db, url: undefined, dispose: () => db.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `rescue_llm_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(
    adminUrl,
    migrated
      ? `CREATE DATABASE "${name}" TEMPLATE "${inject("templateDatabase")}"`
      : `CREATE DATABASE "${name}"`,
  );
  const url = withDatabaseName(adminUrl, name);
  const db = await openPgDatabase(url);
  return {
    db,
    url,
    async dispose() {
      await db.close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  // Cloning a template fails while another clone of it is starting; retry briefly.
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
      return;
    } catch (error) {
      const busy = (error as { code?: string }).code === "55006";
      if (!busy || attempt >= 20) throw error;
    } finally {
      await client.end();
    }
    await sleep(100 * attempt);
  }
}
