// Verification calls through the pipeline: one llm_processing_logs row each, told apart by
// call_kind, with tokens and cost — counted in the run's spend (hence LLM_BUDGET_USD) and shown
// apart in the cost report.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCostReport } from "../../../src/db/cost-report-store.js";
import {
  createPipelineFixture,
  runRequest,
  seedListings,
  sharedListings,
  type PipelineFixture,
} from "../../support/pipeline-fixture.js";
import { fakeProfileIsGrounded } from "../../../src/testing/fake-model-answers.js";
import { DATABASE_KINDS } from "../../support/test-databases.js";

// Listings the fake profiles (one that states no trait gets no profile, hence no verification).
const LISTINGS = sharedListings(
  4,
  (l) => String(l.description).length > 400 && fakeProfileIsGrounded(String(l.description)),
);

describe.each(DATABASE_KINDS)("verification calls in the call log on %s", (kind) => {
  let f: PipelineFixture;
  beforeEach(async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS);
  });
  afterEach(() => f.dispose());

  it("logs each profile's claim check with its tokens and cost, and counts it in the spend", async () => {
    const summary = await runRequest(f.services, { processingType: "dog_profiler" });
    expect(summary.succeeded).toBe(LISTINGS.length);
    expect(summary.verificationCalls).toBe(LISTINGS.length);
    expect(summary.llmCalls).toBe(2 * LISTINGS.length);
    const rows = await f.services.db.query<{
      call_kind: string;
      n: number;
      tokens: number;
      cost: number;
    }>(
      `SELECT call_kind, count(*)::int AS n,
              sum(prompt_tokens + completion_tokens)::int AS tokens, sum(cost_usd)::float8 AS cost
         FROM llm_processing_logs GROUP BY call_kind ORDER BY call_kind`,
    );
    expect(rows.map((r) => [r.call_kind, r.n])).toEqual([
      ["generation", LISTINGS.length],
      ["verification", LISTINGS.length],
    ]);
    expect(rows[1]!.tokens).toBeGreaterThan(0);
    expect(rows[1]!.cost).toBeGreaterThan(0);
    // The run's spend is every call's, verification included.
    expect(summary.costUsd).toBeCloseTo(rows[0]!.cost + rows[1]!.cost, 5);

    const report = await readCostReport(f.services.db);
    expect(report.rows.map((r) => r.callKind).sort()).toEqual(["generation", "verification"]);
  });

  it("does not flag a verified output for review: passing the claim check is no concern", async () => {
    const [row] = await f.services.db.query<{ verified: boolean; reasked: boolean }>(
      `SELECT llm_flags_of_concern('["verified", "source_language:en"]'::jsonb) AS verified,
              llm_flags_of_concern('["verified", "reasked"]'::jsonb) AS reasked`,
    );
    expect(row).toEqual({ verified: false, reasked: true });
  });
});
