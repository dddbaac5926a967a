// llm_animals_source_changed (migration 014): a changed listing marks the versions made from
// its old source stale, a moved animal moves its items, anything else touches neither; and on
// PostgreSQL its statements find the written animals' items by key however much
// llm_enrichments grew since the session first planned them.
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";

const SEED = [
  "INSERT INTO organizations (id, config_id, name) VALUES (1, 'a', 'A'), (2, 'b', 'B')",
  `INSERT INTO animals (id, name, organization_id, properties)
   VALUES (1, 'Rex', 1, '{"description":"Rex is calm."}')`,
  `INSERT INTO llm_enrichments (animal_id, processing_type, target_language, status)
   VALUES (1, 'description_cleaning', '', 'succeeded')`,
  // A version from some other source: the item is stale once any source change is seen.
  `INSERT INTO llm_result_versions (id, animal_id, processing_type, origin, value, source_hash)
   VALUES (1, 1, 'description_cleaning', 'pipeline', '"Rex is calm."', repeat('0', 64))`,
  "UPDATE llm_enrichments SET candidate_version_id = 1, stale = false WHERE animal_id = 1",
];

describe.each(DATABASE_KINDS)("the animals source trigger (%s)", (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
    for (const sql of SEED) await t.db.query(sql);
  });
  afterEach(async () => {
    await t.dispose();
  });
  const item = async () =>
    (
      await t.db.query<{ organization_id: number; stale: boolean }>(
        "SELECT organization_id, stale FROM llm_enrichments WHERE animal_id = 1",
      )
    )[0];

  it("leaves the items alone when neither the source nor the organization changed", async () => {
    await t.db.query("UPDATE animals SET status = 'adopted' WHERE id = 1");
    expect(await item()).toEqual({ organization_id: 1, stale: false });
  });

  it("moves the items with their animal", async () => {
    await t.db.query("UPDATE animals SET organization_id = 2 WHERE id = 1");
    expect((await item())?.organization_id).toBe(2);
  });

  it("marks the items stale when the listing changes", async () => {
    await t.db.query(
      `UPDATE animals SET properties = '{"description":"Rex is calm and loves walks."}' WHERE id = 1`,
    );
    expect((await item())?.stale).toBe(true);
  });
});

describe.skipIf(!DATABASE_KINDS.includes("postgres"))(
  "the animals source trigger's plans on PostgreSQL",
  () => {
    let t: TestDatabase;
    let client: pg.Client;
    const plans: string[] = [];
    beforeEach(async () => {
      t = await createTestDatabase("postgres");
      for (const sql of SEED) await t.db.query(sql);
      client = new pg.Client({ connectionString: t.url });
      await client.connect();
      // auto_explain sends each nested statement's plan to this client as a notice.
      client.on("notice", (notice) => plans.push(notice.message ?? ""));
      await client.query("LOAD 'auto_explain'");
      await client.query(
        "SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; " +
          "SET client_min_messages = log",
      );
    });
    afterEach(async () => {
      await client.end();
      await t.dispose();
    });

    it("look the items up by key after the table has grown in the same session", async () => {
      // Statistics and the first plan from when llm_enrichments held one row, as after a
      // fresh import; then the table grows, as during a first run.
      await client.query("ANALYZE llm_enrichments");
      await client.query("UPDATE animals SET status = 'reserved' WHERE id = 1");
      await client.query(`
        INSERT INTO animals (id, name, organization_id)
          SELECT g, 'Dog ' || g, 1 FROM generate_series(2, 3001) g;
        INSERT INTO llm_enrichments (animal_id, processing_type, target_language, status)
          SELECT g, 'description_cleaning', '', 'succeeded' FROM generate_series(2, 3001) g`);
      plans.length = 0;
      // A result batch: ten animals written by one statement.
      await client.query(
        `UPDATE animals SET properties = '{"description":"A calm dog who loves walks."}' WHERE id <= 10`,
      );
      const triggerPlans = plans.filter((p) => p.includes("UPDATE llm_enrichments e SET stale"));
      expect(triggerPlans).toHaveLength(1);
      expect(triggerPlans[0]).toContain("llm_enrichments_pkey");
      expect(plans.join("\n")).not.toMatch(/Seq Scan on llm_enrichments/);
    });
  },
);
