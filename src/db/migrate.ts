// Forward-only numbered .sql migrations, each applied in its own transaction under an
// advisory lock, so concurrent `migrate` runs serialise and the loser finds nothing to do.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MigrationError } from "../errors.js";
import type { Database } from "./database.js";

/** Works from src/db and dist/db alike: both sit two levels below the package root. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));

// Any fixed 64-bit number; it only has to be the same in every process.
const LOCK_KEY = 7_306_132_001;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const migrations = files.map((name) => {
    const match = /^(\d+)_[\w-]+\.sql$/.exec(name);
    if (!match) throw new MigrationError(`Migration file name must be NNN_name.sql: ${name}`);
    const sql = readFileSync(`${dir}/${name}`, "utf8");
    return {
      version: Number(match[1]),
      name,
      sql,
      checksum: createHash("sha256").update(sql).digest("hex"),
    };
  });
  const seen = new Set<number>();
  for (const m of migrations) {
    if (seen.has(m.version)) throw new MigrationError(`Two migrations share number ${m.version}`);
    seen.add(m.version);
  }
  return migrations.sort((a, b) => a.version - b.version);
}

export interface MigrateResult {
  applied: string[];
}

export async function migrate(db: Database, dir: string = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = loadMigrations(dir);
  const applied: string[] = [];
  for (const migration of migrations) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
      await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        checksum CHAR(64) NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      const rows = await tx.query<{ version: number; name: string; checksum: string }>(
        "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
      );
      for (const row of rows) {
        const known = migrations.find((m) => m.version === row.version);
        if (known && known.checksum !== row.checksum.trim()) {
          throw new MigrationError(
            `Migration ${row.name} was edited after it was applied (checksum differs); ` +
              "migrations are forward-only: add a new numbered file instead",
          );
        }
      }
      if (rows.some((r) => r.version === migration.version)) return false;
      await tx.exec(migration.sql);
      await tx.query(
        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
        [migration.version, migration.name, migration.checksum],
      );
      return true;
    });
    if (didApply) applied.push(migration.name);
  }
  return { applied };
}
