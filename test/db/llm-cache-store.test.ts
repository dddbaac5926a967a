import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queryable } from "../../src/db/database.js";
import { getCachedResponses, upsertCachedResponses } from "../../src/db/llm-cache-store.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";

const ROW = {
  processingType: "description_cleaning",
  model: "openai/gpt-4o-mini",
  expiresAt: new Date(Date.now() + 60_000),
};

describe.each(DATABASE_KINDS)("llm_cache writes on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());

  it("turns synchronous_commit off for its own transaction only, not the session", async () => {
    // One connection for both statements: a dedicated session on PostgreSQL, PGlite's only one.
    const session = t.db.openSession ? await t.db.openSession("llm-cache-store-test") : undefined;
    const conn: Queryable = session ?? t.db;
    try {
      await upsertCachedResponses(conn, [
        { ...ROW, key: "a", response: { text: "one" } },
        { ...ROW, key: "b", response: { text: "two" } },
      ]);
      const found = await getCachedResponses(t.db, ["a", "b"], new Date());
      expect(found.get("a")?.response).toEqual({ text: "one" });
      expect(found.get("b")?.response).toEqual({ text: "two" });
      // Results and every other write keep synchronous commits.
      const [setting] = await conn.query<{ value: string }>(
        "SELECT current_setting('synchronous_commit') AS value",
      );
      expect(setting?.value).toBe("on");
    } finally {
      await session?.close();
    }
    // Inside a transaction (where the setting can be read before the commit) it is off.
    const inside = await t.db.transaction(async (tx) => {
      await upsertCachedResponses(tx, [{ ...ROW, key: "c", response: { text: "three" } }]);
      return tx.query<{ value: string }>("SELECT current_setting('synchronous_commit') AS value");
    });
    expect(inside[0]?.value).toBe("off");
  });
});
