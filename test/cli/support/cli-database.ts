// What the CLI tests on both databases set up alike: a fake OpenRouter, the database the
// commands use (a PGlite directory or a PostgreSQL database of their own), the environment
// that points the commands at both, and a way to open that database while no command runs.
import { join } from "node:path";
import type { Env } from "../../../src/config.js";
import type { Database } from "../../../src/db/database.js";
import { migrate } from "../../../src/db/migrate.js";
import { openPgliteDatabase } from "../../../src/db/pglite-database.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../../src/testing/fake-openrouter/fake-openrouter-server.js";
import {
  createTestDatabase,
  type DatabaseKind,
  type TestDatabase,
} from "../../support/test-databases.js";

export interface CliDatabase {
  readonly fake: FakeOpenRouter;
  /** The environment the commands run with. */
  readonly env: Env;
  /** The database the commands use, opened while no command runs (PGlite is single-user). */
  withDatabase<T>(use: (db: Database) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

export async function setUpCliDatabase(
  kind: DatabaseKind,
  dir: string,
  apiKey: string,
): Promise<CliDatabase> {
  const fake = await startFakeOpenRouter({ apiKey });
  const t: TestDatabase | undefined =
    kind === "postgres" ? await createTestDatabase("postgres", { migrated: false }) : undefined;
  const dataDir = join(dir, `data-${kind}`);
  const env: Env = {
    ENVIRONMENT: "test",
    LOG_LEVEL: "silent",
    LLM_BASE_URL: fake.baseUrl,
    OPENROUTER_API_KEY: apiKey,
    LLM_RETRY_BASE_DELAY: "0.01",
    LLM_RETRY_MAX_DELAY: "0.05",
    ...(t?.url !== undefined ? { DATABASE_URL: t.url } : { RESCUE_LLM_DATA_DIR: dataDir }),
  };
  const withDatabase = async <T>(use: (db: Database) => Promise<T>): Promise<T> => {
    const db = t?.db ?? (await openPgliteDatabase(dataDir));
    try {
      await migrate(db);
      return await use(db);
    } finally {
      if (t === undefined) await db.close();
    }
  };
  // Creates and migrates the database once, here, rather than inside the first test.
  await withDatabase(async () => undefined);
  return {
    fake,
    env,
    withDatabase,
    dispose: async () => {
      await fake.close();
      await t?.dispose();
    },
  };
}
