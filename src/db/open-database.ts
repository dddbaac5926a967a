import type { Config } from "../config.js";
import { DatabaseLockedError } from "../errors.js";
import type { Database } from "./database.js";
import { migrate } from "./migrate.js";
import { openPgDatabase } from "./pg-database.js";

export interface OpenDatabaseOptions {
  /** Apply pending migrations (default true). */
  readonly migrate?: boolean;
  /**
   * `serve`: share the embedded database with CLI commands over a local socket while this
   * process holds it. Without DATABASE_URL only; ignored with it.
   */
  readonly shareEmbedded?: boolean;
}

/** Attempts at "join the sharing serve, else lock": each loses only to a serve starting or stopping. */
const OPEN_ATTEMPTS = 3;

/**
 * Opens PostgreSQL when DATABASE_URL is set, else PGlite under RESCUE_LLM_DATA_DIR; migrates.
 * The embedded directory is one process's: when a `serve` holds it and shares it, this
 * connects through serve's socket; when another process holds it, DatabaseLockedError.
 */
export async function openDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir">,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const db =
    config.databaseUrl !== undefined
      ? await openPgDatabase(config.databaseUrl)
      : options.shareEmbedded === true
        ? await (
            await import("./pglite-shared-database.js")
          ).openSharedPgliteDatabase(config.dataDir)
        : await openEmbedded(config.dataDir);
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

// PGlite's modules (half a megabyte of JavaScript, ~50 ms to load) only for a run that uses it.
async function openEmbedded(dataDir: string): Promise<Database> {
  const { openPgliteDatabase } = await import("./pglite-database.js");
  const { joinSharedPgliteDatabase, sharingHolder } = await import("./pglite-shared-database.js");
  for (let attempt = 1; ; attempt += 1) {
    const holder = attempt <= OPEN_ATTEMPTS ? sharingHolder(dataDir) : undefined;
    if (holder !== undefined) {
      const joined = await joinSharedPgliteDatabase(dataDir, holder);
      if (joined !== undefined) return joined;
      continue; // serve stopped meanwhile: the directory may be free now
    }
    try {
      return await openPgliteDatabase(dataDir);
    } catch (error) {
      // A serve may have taken the directory between our look and our lock.
      const retry =
        error instanceof DatabaseLockedError &&
        attempt < OPEN_ATTEMPTS &&
        sharingHolder(dataDir) !== undefined;
      if (!retry) throw error;
    }
  }
}
