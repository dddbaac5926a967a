// Statements marked `prepare` are parsed once per connection on PostgreSQL; a server that
// forgets or refuses their names (a pooler in transaction mode hands the client another
// server connection) turns preparing off, and the statement or transaction runs once more.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { openPgDatabase } from "../../src/db/pg-database.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";

const COUNT_ORGS = "SELECT count(*)::int AS n FROM organizations WHERE config_id <> $1";

describe.each(DATABASE_KINDS)("prepared statements (%s)", (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("return the same rows as unprepared ones", async () => {
    const plain = await t.db.query(COUNT_ORGS, ["none"]);
    expect(await t.db.query(COUNT_ORGS, ["none"], { prepare: true })).toEqual(plain);
    await t.db.transaction(async (tx) => {
      expect(await tx.query(COUNT_ORGS, ["none"], { prepare: true })).toEqual(plain);
    });
  });
});

describe.skipIf(!DATABASE_KINDS.includes("postgres"))("prepared statements on PostgreSQL", () => {
  let t: TestDatabase;
  // One connection, so the statements below share the server session they inspect.
  let db: Database;
  beforeEach(async () => {
    t = await createTestDatabase("postgres");
    db = await openPgDatabase(t.url!, { maxConnections: 1 });
  });
  afterEach(async () => {
    await db.close();
    await t.dispose();
  });
  const preparedNames = async () =>
    (await db.query<{ name: string }>("SELECT name FROM pg_prepared_statements")).map(
      (r) => r.name,
    );

  it("are parsed once per connection and reused", async () => {
    await db.query(COUNT_ORGS, ["a"], { prepare: true });
    await db.query(COUNT_ORGS, ["b"], { prepare: true });
    await db.query(COUNT_ORGS, ["c"]);
    const names = await preparedNames();
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^rescue_llm_[0-9a-f]{24}$/);
  });

  it("run again unprepared when the server has forgotten the name, and stop preparing", async () => {
    await db.query(COUNT_ORGS, ["a"], { prepare: true });
    // What a transaction-mode pooler amounts to: this client's statement is not on the server.
    await db.query("DEALLOCATE ALL");
    expect(await db.query(COUNT_ORGS, ["a"], { prepare: true })).toEqual([{ n: 0 }]);
    await db.query(COUNT_ORGS, ["b"], { prepare: true });
    expect(await preparedNames()).toEqual([]);
  });

  it("run a refused transaction once more, committing its writes exactly once", async () => {
    const insert = "INSERT INTO organizations (config_id, name) VALUES ($1, $2)";
    await db.query(COUNT_ORGS, ["a"], { prepare: true });
    await db.query("DEALLOCATE ALL");
    let runs = 0;
    await db.transaction(async (tx) => {
      runs += 1;
      await tx.query(insert, ["written-once", "Written once"]);
      await tx.query(COUNT_ORGS, ["a"], { prepare: true });
    });
    expect(runs).toBe(2);
    const rows = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM organizations WHERE config_id = $1",
      ["written-once"],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it("never run a transaction twice for any other error", async () => {
    let runs = 0;
    await expect(
      db.transaction(async (tx) => {
        runs += 1;
        await tx.query("SELECT 1 / $1::int", [0], { prepare: true });
      }),
    ).rejects.toThrow(/division by zero/);
    expect(runs).toBe(1);
  });
});
