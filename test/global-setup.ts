// Migrates one template database per set of migrations; each test file clones it
// (graphile-worker style). Runs in parallel with other test runs on the same server.
import { createHash } from "node:crypto";
import pg from "pg";
import { loadMigrations, migrate } from "../src/db/migrate.js";
import { openPgDatabase } from "../src/db/pg-database.js";
import { TEMPLATE_DATABASE_PREFIX, withDatabaseName } from "./support/test-databases.js";

export default async function setup({
  provide,
}: {
  provide: (key: "templateDatabase", value: string) => void;
}) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const digest = createHash("sha256")
    .update(
      loadMigrations()
        .map((m) => m.checksum)
        .join(","),
    )
    .digest("hex")
    .slice(0, 12);
  const template = `${TEMPLATE_DATABASE_PREFIX}${digest}`;
  provide("templateDatabase", template);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // One setup at a time builds templates; others wait, then find it ready.
    await admin.query("SELECT pg_advisory_lock(730613)");
    await dropLeftovers(admin);
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${building}"`);
      const db = await openPgDatabase(withDatabaseName(url, building));
      await migrate(db);
      await db.close();
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
    await admin.query("SELECT pg_advisory_unlock(730613)");
  } finally {
    await admin.end();
  }
}

/** Drops test databases whose creating process (pid in the name) is gone. */
async function dropLeftovers(admin: pg.Client): Promise<void> {
  const rows = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'rescue_llm_test_%'",
  );
  for (const { datname } of rows.rows) {
    const pid = Number(/^rescue_llm_test_(\d+)_/.exec(datname)?.[1]);
    if (Number.isInteger(pid) && isAlive(pid)) continue;
    await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
