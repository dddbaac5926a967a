// Migration 010 on a database that already holds results: values in the animals columns
// are published and stay; the SQL source hash equals the pipeline's.
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEnrichmentStore } from "../../src/db/enrichment-store.js";
import { MIGRATIONS_DIR, loadMigrations, migrate } from "../../src/db/migrate.js";
import { countReviewQueue } from "../../src/db/review-queue-store.js";
import { PROCESSING_TYPE_DEFINITIONS } from "../../src/enrichment/processing-types/processing-types.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";

function migrationsBefore(version: number): string {
  const dir = mkdtempSync(join(tmpdir(), "rescue-llm-migrations-"));
  for (const m of loadMigrations().filter((m) => m.version < version)) {
    cpSync(join(MIGRATIONS_DIR, m.name), join(dir, m.name));
  }
  return dir;
}

describe.each(DATABASE_KINDS)("migration 010 on %s", (kind) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t.dispose();
  });

  // Two migration runs on a fresh embedded database: slow on a busy machine.
  it(
    "publishes the values already in the animals columns, with what provenance is known",
    { timeout: 120_000 },
    async () => {
      t = await createTestDatabase(kind, { migrated: false });
      const { db } = t;
      await migrate(db, migrationsBefore(10));
      await db.query(
        "INSERT INTO organizations (config_id, name) VALUES ('old-rescue', 'Old Rescue')",
      );
      await db.query(
        `INSERT INTO animals (name, organization_id, external_id, properties, enriched_description,
                            dog_profiler_data, translations)
       VALUES ('Rex', 1, 'r1', '{"description":"Rex is a calm dog."}', 'Rex is a calm dog.',
               '{"tagline":"Calm Rex"}', '{"de":"Rex ist ein ruhiger Hund."}'),
              ('Mia', 1, 'm1', '{"description":"Mia loves cats."}', NULL, NULL, NULL)`,
      );
      // Rex's cleaning came from the pipeline (its last attempt succeeded); the rest is older.
      const [{ hash }] = (await db.query<{ hash: string }>(
        `SELECT encode(sha256(convert_to(concat_ws(E'\\x1f', a.name, '', '', '', '', coalesce(a.language, ''),
                a.properties->>'description', ''), 'UTF8')), 'hex') AS hash
       FROM animals a WHERE a.external_id = 'r1'`,
      )) as [{ hash: string }];
      await db.query(
        `INSERT INTO llm_enrichments (animal_id, processing_type, target_language, status, source_hash,
                                    prompt_version, model, processed_at)
       VALUES (1, 'description_cleaning', '', 'succeeded', $1, 'v1', 'openai/gpt-4o-mini', now()),
              (1, 'dog_profiler', '', 'failed', NULL, 'v1', NULL, now())`,
        [hash],
      );

      await migrate(db);

      const items = await db.query<Record<string, unknown>>(
        `SELECT e.processing_type, e.target_language, e.status, e.review_state, e.stale,
              v.origin, v.value, v.model, e.published_version_id = v.id AS published
       FROM llm_enrichments e JOIN llm_result_versions v ON v.id = e.candidate_version_id
       ORDER BY e.processing_type, e.target_language`,
      );
      expect(items).toEqual([
        {
          processing_type: "description_cleaning",
          target_language: "",
          status: "succeeded",
          review_state: "to_review",
          stale: false,
          origin: "pipeline",
          value: "Rex is a calm dog.",
          model: "openai/gpt-4o-mini",
          published: true,
        },
        {
          processing_type: "dog_profiler",
          target_language: "",
          status: "failed",
          review_state: "to_review",
          stale: false,
          origin: "legacy",
          value: { tagline: "Calm Rex" },
          model: null,
          published: true,
        },
        {
          processing_type: "translation",
          target_language: "de",
          status: "pending",
          review_state: "to_review",
          stale: false,
          origin: "legacy",
          value: "Rex ist ein ruhiger Hund.",
          model: null,
          published: true,
        },
      ]);
      // The columns are untouched.
      const [rex] = await db.query<Record<string, unknown>>(
        "SELECT enriched_description, dog_profiler_data, translations FROM animals WHERE external_id = 'r1'",
      );
      expect(rex).toEqual({
        enriched_description: "Rex is a calm dog.",
        dog_profiler_data: { tagline: "Calm Rex" },
        translations: { de: "Rex ist ein ruhiger Hund." },
      });
      expect(await countReviewQueue(db, {})).toEqual({
        to_review: 3,
        approved: 0,
        rejected: 0,
        failed: 1,
        flagged: 0,
        stale: 0,
      });
    },
  );

  it("computes the same source hash as the pipeline's candidate selection", async () => {
    t = await createTestDatabase(kind);
    const { db } = t;
    await db.query(
      `INSERT INTO organizations (config_id, name, llm_config)
       VALUES ('a', 'A', NULL), ('b', 'B', '{"tone": "warm", "review_mode": "required"}')`,
    );
    await db.query(
      `INSERT INTO animals (name, organization_id, external_id, breed, age_text, sex, size, language,
                            properties, enriched_description)
       VALUES ('Rex', 1, 'r', 'Beagle', '2 years', 'male', NULL, 'en', '{"description":"Rex <b>naps</b>."}', NULL),
              ('', 2, 'n', NULL, NULL, NULL, 'small', 'de', '{"description":"Ohne Namen ☺"}', 'Ohne Namen.')`,
    );
    const store = createEnrichmentStore(db);
    for (const type of ["description_cleaning", "dog_profiler", "translation"] as const) {
      const items = await store.sampleCandidates(
        {
          definition: PROCESSING_TYPE_DEFINITIONS[type],
          targetLanguages: type === "translation" ? ["de", "fr"] : [""],
          organizationId: undefined,
          animalIds: undefined,
          force: true,
        },
        10,
      );
      expect(items.length).toBe(type === "translation" ? 4 : 2);
      for (const item of items) {
        const [row] = await db.query<{ hash: string }>(
          `SELECT llm_source_hash($1, $2, a.name, a.breed, a.age_text, a.sex, a.size, a.language,
                                  a.properties->>'description', a.enriched_description, o.llm_config) AS hash
           FROM animals a JOIN organizations o ON o.id = a.organization_id WHERE a.id = $3`,
          [type, item.targetLanguage, item.animalId],
        );
        expect(row?.hash).toBe(item.sourceHash);
      }
    }
  });
});
