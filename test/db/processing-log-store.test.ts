import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  insertProcessingLogs,
  summarizeProcessingLogs,
} from "../../src/db/processing-log-store.js";
import { readSharedCacheStats } from "../../src/db/shared-cache-stats.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";

describe.each(DATABASE_KINDS)("processing log store on %s", (kind) => {
  let t: TestDatabase;
  let animalId: number;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    const [org] = await t.db.query<{ id: number }>(
      "INSERT INTO organizations (name, config_id) VALUES ('Paws', 'paws-logs') RETURNING id",
    );
    const [animal] = await t.db.query<{ id: number }>(
      "INSERT INTO animals (name, organization_id, external_id) VALUES ('Bella', $1, 'b-1') RETURNING id",
      [org!.id],
    );
    animalId = animal!.id;
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    await t.db.query("DELETE FROM llm_processing_logs");
    await t.db.query("DELETE FROM llm_cache");
  });

  it("inserts many rows in one statement, nulls included, and summarizes them", async () => {
    await insertProcessingLogs(t.db, [
      {
        animalId,
        processingType: "description_cleaning",
        status: "succeeded",
        model: "openai/gpt-4o-mini",
        promptTokens: 500,
        completionTokens: 120,
        costUsd: 0.000147,
        latencyMs: 812.6,
        runId: "run-1",
      },
      {
        animalId,
        processingType: "translation",
        targetLanguage: "de",
        status: "failed",
        model: null,
        errorCategory: "rate_limited",
        errorMessage: "LLM provider returned HTTP 429",
        latencyMs: 30,
        runId: "run-1",
      },
      {
        animalId: undefined,
        processingType: "dog_profiler",
        status: "rejected",
        model: "openai/gpt-4o-mini",
        promptTokens: 700,
        completionTokens: 300,
        costUsd: 0.000285,
        errorCategory: "guard_failed",
        runId: "run-1",
      },
      {
        animalId,
        processingType: "description_cleaning",
        status: "cache_hit",
        costUsd: 0,
        runId: "run-2",
      },
    ]);
    const rows = await t.db.query<Record<string, unknown>>(
      `SELECT animal_id, processing_type, target_language, status, model, prompt_tokens, completion_tokens,
              cost_usd::float8 AS cost_usd, latency_ms, error_category, error_message, run_id
         FROM llm_processing_logs ORDER BY id`,
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      animal_id: animalId,
      processing_type: "description_cleaning",
      target_language: null,
      status: "succeeded",
      model: "openai/gpt-4o-mini",
      prompt_tokens: 500,
      completion_tokens: 120,
      cost_usd: 0.000147,
      latency_ms: 813,
      error_category: null,
      error_message: null,
      run_id: "run-1",
    });
    expect(rows[1]).toMatchObject({
      target_language: "de",
      model: null,
      prompt_tokens: null,
      error_category: "rate_limited",
    });
    expect(rows[2]).toMatchObject({ animal_id: null, status: "rejected" });

    const run1 = await summarizeProcessingLogs(t.db, { runId: "run-1" });
    expect(run1).toMatchObject({
      calls: 3,
      succeeded: 1,
      cacheHits: 0,
      failuresByCategory: { rate_limited: 1, guard_failed: 1 },
      promptTokens: 1200,
      completionTokens: 420,
    });
    expect(run1.costUsd).toBeCloseTo(0.000432, 9);
    const all = await summarizeProcessingLogs(t.db);
    expect(all).toMatchObject({ calls: 3, cacheHits: 1 });
  });

  it("does nothing for an empty list", async () => {
    await insertProcessingLogs(t.db, []);
    expect(await summarizeProcessingLogs(t.db)).toMatchObject({
      calls: 0,
      cacheHits: 0,
      costUsd: 0,
    });
  });

  it("feeds cache-stats: table size, and hits/misses from log statuses", async () => {
    await insertProcessingLogs(t.db, [
      { animalId, processingType: "translation", status: "cache_hit" },
      { animalId, processingType: "translation", status: "cache_hit" },
      { animalId, processingType: "translation", status: "cache_hit" },
      { animalId, processingType: "translation", status: "succeeded" },
    ]);
    await t.db.query(
      `INSERT INTO llm_cache (cache_key, processing_type, response, expires_at) VALUES
         (repeat('a', 64), 'translation', '"x"', now() + interval '1 hour'),
         (repeat('b', 64), 'translation', '"y"', now() - interval '1 hour')`,
    );
    expect(await readSharedCacheStats(t.db)).toEqual({ tableEntries: 1, hits: 3, misses: 1 });
  });
});
