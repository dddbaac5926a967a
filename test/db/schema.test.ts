import { describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS } from "../support/test-databases.js";

describe.each(DATABASE_KINDS)("schema on %s", (kind) => {
  it("has the enrichment and provenance columns", async () => {
    const t = await createTestDatabase(kind);
    try {
      const rows = await t.db.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'animals' AND column_name LIKE 'llm_%' ORDER BY 1",
      );
      expect(rows.map((r) => r.column_name)).toEqual([
        "llm_model_used",
        "llm_processed_at",
        "llm_processing_flags",
      ]);
    } finally {
      await t.dispose();
    }
  });
});
