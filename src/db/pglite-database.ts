import { PGlite } from "@electric-sql/pglite";
import type { Database, Queryable } from "./database.js";
import { lockPgliteDirectory } from "./pglite-directory-lock.js";

/**
 * Embedded Postgres (WASM). `dataDir` undefined keeps everything in memory (tests).
 * A data directory is locked for this process first (pglite-directory-lock.ts): a second
 * process opening it would overwrite this one's writes.
 * PGlite is one connection: it serialises queries and holds its lock for a whole transaction.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<Database> {
  const lock = dataDir === undefined ? undefined : await lockPgliteDirectory(dataDir);
  let pg: PGlite;
  try {
    pg = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await pg.waitReady;
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const run = (q: Pick<PGlite, "query" | "exec">): Queryable => ({
    async exec(sql: string) {
      await q.exec(sql);
    },
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await q.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
  });
  return {
    kind: "pglite",
    ...run(pg),
    transaction: (fn) => pg.transaction((tx) => fn(run(tx))),
    async close() {
      try {
        await pg.close();
      } finally {
        await lock?.release();
      }
    },
  };
}
