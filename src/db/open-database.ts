import type { Config } from "../config.js";
import type { Database } from "./database.js";
import { migrate } from "./migrate.js";
import { openPgDatabase } from "./pg-database.js";
import { openPgliteDatabase } from "./pglite-database.js";

/** Opens PostgreSQL when DATABASE_URL is set, else PGlite under RESCUE_LLM_DATA_DIR; migrates. */
export async function openDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir">,
  options: { migrate?: boolean } = {},
): Promise<Database> {
  const db =
    config.databaseUrl !== undefined
      ? await openPgDatabase(config.databaseUrl)
      : await openPgliteDatabase(config.dataDir);
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}
