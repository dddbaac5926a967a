import { execFile } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { loadMigrations, migrate, MIGRATIONS_DIR } from "../../src/db/migrate.js";
import { MigrationError } from "../../src/errors.js";
import type { TestDatabase } from "../support/test-databases.js";
import { createTestDatabase, DATABASE_KINDS } from "../support/test-databases.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = join(ROOT, "node_modules/.bin/tsx");
const ALL = loadMigrations().map((m) => m.name);

describe.each(DATABASE_KINDS)("migrations on %s", (kind) => {
  const open: TestDatabase[] = [];
  const fresh = async () => {
    const t = await createTestDatabase(kind, { migrated: false });
    open.push(t);
    return t.db;
  };
  afterEach(async () => {
    for (const t of open.splice(0)) await t.dispose();
  });

  it("applies every file in order on a fresh database, then nothing on a rerun", async () => {
    const db = await fresh();
    expect(ALL).toEqual([
      "001_base_aggregator_schema.sql",
      "005_add_llm_enrichment_fields.sql",
      "006_add_llm_provenance.sql",
      "009_llm_runs.sql",
      "010_staff_review_and_publishing.sql",
      "011_provider_batches.sql",
      "012_prompt_experiments.sql",
      "013_verification_calls.sql",
      "014_trigger_plans_by_key.sql",
    ]);
    expect((await migrate(db)).applied).toEqual(ALL);
    expect((await migrate(db)).applied).toEqual([]);
    const rows = await db.query<{ version: number }>(
      "SELECT version FROM schema_migrations ORDER BY version",
    );
    expect(rows.map((r) => r.version)).toEqual([1, 5, 6, 9, 10, 11, 12, 13, 14]);
    const columns = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_name = 'animals' AND column_name IN
         ('enriched_description', 'dog_profiler_data', 'translations', 'llm_processed_at', 'llm_model_used')
       ORDER BY column_name`,
    );
    expect(columns).toEqual([
      { column_name: "dog_profiler_data", data_type: "jsonb" },
      { column_name: "enriched_description", data_type: "text" },
      { column_name: "llm_model_used", data_type: "character varying" },
      { column_name: "llm_processed_at", data_type: "timestamp without time zone" },
      { column_name: "translations", data_type: "jsonb" },
    ]);
    const indexes = await db.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'animals' AND indexname LIKE 'idx_animals_%' ORDER BY 1",
    );
    expect(indexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining([
        "idx_animals_enriched",
        "idx_animals_llm_processed",
        "idx_animals_profiler",
      ]),
    );
  });

  it("refuses an applied file that was edited afterwards", async () => {
    const db = await fresh();
    const dir = mkdtempSync(join(tmpdir(), "rescue-llm-migrations-"));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      await migrate(db, dir);
      appendFileSync(join(dir, "005_add_llm_enrichment_fields.sql"), "\n-- edited later\n");
      const error = await migrate(db, dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain("005_add_llm_enrichment_fields.sql was edited");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("migrates an existing aggregator database and keeps its data", async () => {
    const db = await fresh();
    // The aggregator's own tables, with a column this tool does not know about.
    await db.exec(`
      CREATE TABLE organizations (
        id SERIAL PRIMARY KEY, name TEXT NOT NULL, website_url TEXT, country TEXT, city TEXT,
        active BOOLEAN NOT NULL DEFAULT TRUE, config_id TEXT UNIQUE, slug TEXT,
        created_at TIMESTAMP NOT NULL DEFAULT now(), updated_at TIMESTAMP NOT NULL DEFAULT now());
      CREATE TABLE animals (
        id SERIAL PRIMARY KEY, name TEXT NOT NULL,
        organization_id INTEGER NOT NULL REFERENCES organizations (id),
        animal_type TEXT NOT NULL DEFAULT 'dog', external_id TEXT, adoption_url TEXT,
        status TEXT NOT NULL DEFAULT 'available', breed TEXT, age_text TEXT,
        age_min_months INTEGER, age_max_months INTEGER, sex TEXT, size TEXT,
        language TEXT NOT NULL DEFAULT 'en', properties JSONB NOT NULL DEFAULT '{}'::jsonb,
        primary_image_url TEXT,
        created_at TIMESTAMP NOT NULL DEFAULT now(), updated_at TIMESTAMP NOT NULL DEFAULT now(),
        UNIQUE (external_id, organization_id));
      INSERT INTO organizations (name, config_id) VALUES ('Happy Paws', 'happy-paws');
      INSERT INTO animals (name, organization_id, external_id, breed, properties, primary_image_url)
      VALUES ('Rex', 1, 'hp-1', 'Beagle', '{"description": "A calm beagle."}', 'https://img/1.jpg');
    `);
    expect((await migrate(db)).applied).toEqual(ALL);
    const rows = await db.query<Record<string, unknown>>(
      `SELECT a.name, a.breed, a.properties, a.primary_image_url, a.enriched_description, o.config_id
       FROM animals a JOIN organizations o ON o.id = a.organization_id`,
    );
    expect(rows).toEqual([
      {
        name: "Rex",
        breed: "Beagle",
        properties: { description: "A calm beagle." },
        primary_image_url: "https://img/1.jpg",
        enriched_description: null,
        config_id: "happy-paws",
      },
    ]);
  });

  it("lets concurrent runs finish with one applied set and no error", async () => {
    const db = await fresh();
    const results = await Promise.all(Array.from({ length: 5 }, () => migrate(db)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(ALL);
    const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM schema_migrations");
    expect(rows[0]?.n).toBe(ALL.length);
  });

  it.runIf(kind === "postgres")(
    "lets five concurrent `rescue-llm migrate` processes finish with one applied set",
    async () => {
      const t = await createTestDatabase("postgres", { migrated: false });
      open.push(t);
      const env = { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: "silent" };
      const runs = await Promise.all(
        Array.from({ length: 5 }, () =>
          run(TSX, ["src/cli/main.ts", "migrate"], { cwd: ROOT, env }),
        ),
      );
      const applied = runs.flatMap((r) =>
        r.stdout
          .split("\n")
          .filter((line) => line.startsWith("applied "))
          .map((line) => line.slice("applied ".length)),
      );
      expect(applied.sort()).toEqual(ALL);
      for (const r of runs) expect(r.stderr).toBe("");
      const rows = await t.db.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      expect(rows.map((r) => r.version)).toEqual([1, 5, 6, 9, 10, 11, 12, 13, 14]);
    },
  );
});
