// Batch mode end to end against the fake's Batch API: the same candidates, prompts, guards and
// writes as the synchronous path, durable batches that a stopped run resumes without
// resubmitting, per-request errors, and expired batches returning their items to pending.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planDryRun } from "../../../src/enrichment/pipeline/plan-dry-run.js";
import { resolveRunRequest } from "../../../src/enrichment/pipeline/resolve-run-request.js";
import { fakeStep } from "../../../src/testing/fake-openrouter/fake-scenarios.js";
import {
  createPipelineFixture,
  runRequest,
  seedListings,
  sharedListings,
  type PipelineFixture,
} from "../../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../../support/test-databases.js";
import { waitFor } from "../../support/wait-for.js";

const LISTINGS = sharedListings(
  10,
  (l) =>
    l.organization === "petfinder-my" &&
    String(l.description).length > 200 &&
    String(l.description).length < 600,
);

const BATCH_ENV = {
  LLM_DEFAULT_MODEL: "openai/gpt-4o-mini",
  LLM_BATCH_API_POLL_SECONDS: "0.02",
};

interface StateRow {
  animal_id: number;
  status: string;
  error: string | null;
  claimed_by: string | null;
}

async function states(f: PipelineFixture, type: string): Promise<StateRow[]> {
  return f.services.db.query<StateRow>(
    `SELECT animal_id, status, error, claimed_by FROM llm_enrichments
      WHERE processing_type = $1 ORDER BY animal_id`,
    [type],
  );
}

async function batchRows(f: PipelineFixture) {
  return f.services.db.query<{ state: string; request_count: number; provider_batch_id: string }>(
    "SELECT state, request_count, provider_batch_id FROM llm_batches ORDER BY created_at",
  );
}

describe.each(DATABASE_KINDS)("batch mode on %s", (kind) => {
  let f: PipelineFixture;
  afterEach(async () => {
    await f.dispose();
  });

  describe("with a quick turnaround", () => {
    beforeEach(async () => {
      f = await createPipelineFixture(kind, {
        env: BATCH_ENV,
        fake: { batch: { turnaroundMs: 60 } },
      });
      await seedListings(f.services, LISTINGS);
    });

    it("cleans every listing through one provider batch, at batch price, and a rerun sends nothing", async () => {
      const summary = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(summary.transport).toBe("batch");
      expect(summary.failed).toBe(0);
      expect(summary.succeeded).toBe(LISTINGS.length);
      expect(f.fake.stats.completions).toBe(0);
      expect(f.fake.stats.batchSubmissions).toBe(1);
      expect(f.fake.stats.batchRequests).toBe(LISTINGS.length);
      expect(summary.batch).toMatchObject({ batches: 1, live: 0, completed: LISTINGS.length });
      // The batch's total cost, shared among its requests, is the cost of the run.
      expect(summary.costUsd).toBeCloseTo(f.fake.stats.batchCostUsd, 6);
      expect(summary.costUsd).toBeGreaterThan(0);

      const logs = await f.services.db.query<{ transport: string; n: number; cost: number }>(
        `SELECT transport, count(*)::int AS n, sum(cost_usd)::float8 AS cost
           FROM llm_processing_logs GROUP BY transport`,
      );
      expect(logs).toEqual([
        { transport: "batch", n: LISTINGS.length, cost: expect.closeTo(summary.costUsd, 6) },
      ]);
      expect((await batchRows(f)).map((b) => b.state)).toEqual(["done"]);
      const written = await states(f, "description_cleaning");
      expect(written.every((r) => r.status === "succeeded" && r.claimed_by === null)).toBe(true);

      const rerun = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(rerun.processed).toBe(0);
      expect(f.fake.stats.batchSubmissions).toBe(1);
    });

    it("prices the dry run from GET /models, sync and batch side by side", async () => {
      const plan = await planDryRun(
        f.services.pipeline,
        await resolveRunRequest(f.services.pipeline, { processingType: "description_cleaning" }),
      );
      expect(plan.price).toMatchObject({ known: true, modelId: "openai/gpt-4o-mini" });
      expect(plan.estimatedCostUsd).toBeGreaterThan(0);
      expect(plan.estimatedBatchCostUsd).toBeCloseTo(plan.estimatedCostUsd! / 2, 3);
      expect(f.fake.stats.completions + f.fake.stats.batchSubmissions).toBe(0);
    });

    it("sends no request for an item the cache answers", async () => {
      const sync = await runRequest(f.services, { processingType: "description_cleaning" });
      expect(sync.succeeded).toBe(LISTINGS.length);
      // Make the items candidates again without --force (a forced run asks afresh).
      await f.services.db.query(
        "UPDATE llm_enrichments SET status = 'failed' WHERE processing_type = 'description_cleaning'",
      );
      const batch = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(batch.succeeded).toBe(LISTINGS.length);
      expect(batch.cacheHits).toBe(LISTINGS.length);
      expect(f.fake.stats.batchSubmissions).toBe(0);
    });

    it("fails a request the provider refused, and returns a transiently failed one to pending", async () => {
      f.fake.batches.script(
        fakeStep.httpError(400, { message: "bad request body" }),
        fakeStep.httpError(503, { message: "overloaded" }),
      );
      const summary = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(summary.succeeded).toBe(LISTINGS.length - 2);
      expect(summary.failed).toBe(1);
      expect(summary.returnedToPending).toBe(1);
      const rows = await states(f, "description_cleaning");
      const failed = rows.filter((r) => r.status === "failed");
      expect(failed).toHaveLength(1);
      expect(failed[0]!.error).toMatch(/LLM call failed \(bad_request\)/);
      const pending = rows.filter((r) => r.status === "pending");
      expect(pending).toHaveLength(1);
      expect(pending[0]!.error).toMatch(/batch request failed \(provider_unavailable\)/);
      expect(pending[0]!.claimed_by).toBeNull();

      // The pending item is a candidate again; the refused one too (it failed, not succeeded).
      const rerun = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(rerun.succeeded).toBe(2);
      expect(f.fake.stats.batchSubmissions).toBe(2);
    });

    it("returns an expired batch's unfinished items to pending with the reason", async () => {
      f.fake.batches.plan({ kind: "expire", afterShare: 0.5 });
      const summary = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(summary.returnedToPending).toBeGreaterThan(0);
      expect(summary.succeeded + (summary.returnedToPending ?? 0)).toBe(LISTINGS.length);
      expect(summary.failed).toBe(0);
      const pending = (await states(f, "description_cleaning")).filter(
        (r) => r.status === "pending",
      );
      expect(pending).toHaveLength(summary.returnedToPending ?? -1);
      for (const row of pending) {
        expect(row.error).toMatch(/batch expired/);
        expect(row.claimed_by).toBeNull();
      }
      expect((await batchRows(f)).map((b) => b.state)).toEqual(["done"]);

      const rerun = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(rerun.succeeded).toBe(pending.length);
      expect(f.fake.stats.batchSubmissions).toBe(2);
      expect(f.fake.stats.batchRequests).toBe(LISTINGS.length + pending.length);
    });

    it("re-asks a rejected answer in a follow-up batch", async () => {
      // An answer that drops every fact fails the cleaning guards; the re-ask passes.
      f.fake.batches.script(fakeStep.content("Lovely dog."));
      const summary = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(summary.succeeded).toBe(LISTINGS.length);
      expect(f.fake.stats.batchSubmissions).toBe(2);
      expect(f.fake.stats.batchRequests).toBe(LISTINGS.length + 1);
      const flags = await f.services.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM llm_enrichments WHERE flags ? 'reasked'`,
      );
      expect(flags[0]!.n).toBe(1);
    });
  });

  it("writes the same results as the synchronous path for the same listings", async () => {
    f = await createPipelineFixture(kind, {
      env: { ...BATCH_ENV, LLM_CACHE_ENABLED: "false" },
      fake: { batch: { turnaroundMs: 60 } },
    });
    await seedListings(f.services, LISTINGS);
    const read = () =>
      f.services.db.query<{ id: number; enriched_description: string }>(
        "SELECT id, enriched_description FROM animals ORDER BY id",
      );
    await runRequest(f.services, { processingType: "description_cleaning", mode: "batch" });
    const viaBatch = await read();
    await runRequest(f.services, {
      processingType: "description_cleaning",
      mode: "sync",
      force: true,
    });
    expect(f.fake.stats.completions).toBe(LISTINGS.length);
    expect(await read()).toEqual(viaBatch);
  });

  it("LLM_BATCH_API=auto batches runs of at least LLM_BATCH_API_MIN_ITEMS items", async () => {
    f = await createPipelineFixture(kind, {
      env: { ...BATCH_ENV, LLM_BATCH_API: "auto", LLM_BATCH_API_MIN_ITEMS: "5" },
      fake: { batch: { turnaroundMs: 60 } },
    });
    await seedListings(f.services, LISTINGS);
    const small = await runRequest(f.services, {
      processingType: "description_cleaning",
      limit: 4,
    });
    expect(small.transport).toBe("sync");
    expect(small.transportReason).toMatch(/4 items < LLM_BATCH_API_MIN_ITEMS \(5\)/);
    expect(f.fake.stats.completions).toBe(4);
    const rest = await runRequest(f.services, { processingType: "description_cleaning" });
    expect(rest.transport).toBe("batch");
    expect(rest.succeeded).toBe(LISTINGS.length - 4);
    expect(f.fake.stats.batchSubmissions).toBe(1);
  });

  describe("with a slow turnaround", () => {
    beforeEach(async () => {
      f = await createPipelineFixture(kind, {
        env: BATCH_ENV,
        // Long enough for the run alongside to finish first on a loaded machine (it took 3 s
        // under load 30): the batch must still be live when the first run is stopped.
        fake: { batch: { turnaroundMs: 10_000 } },
      });
      await seedListings(f.services, LISTINGS);
    });

    it("resumes a submission whose answer was lost once the provider's batch list shows it", async () => {
      // The provider creates the batch, but the connection drops before its answer arrives.
      f.fake.batches.plan({ kind: "lose_answer" });
      const lost = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(lost.processed).toBe(0);
      expect(lost.returnedToPending).toBe(LISTINGS.length);
      expect((await batchRows(f)).map((b) => b.state)).toEqual(["uncertain"]);
      expect(f.fake.stats.batchesCreated).toBe(1);

      const next = await runRequest(f.services, { processingType: "description_cleaning" });
      expect(next.transportReason).toBe("resumed open batches");
      expect(next.succeeded).toBe(LISTINGS.length);
      // Nothing sent again: the one batch the provider ran is the one whose answers were used.
      expect(f.fake.stats.batchesCreated).toBe(1);
      expect(f.fake.stats.completions).toBe(0);
      const [row] = await batchRows(f);
      expect(row).toMatchObject({
        state: "done",
        provider_batch_id: expect.stringMatching(/^batch_/),
      });
    });

    it("abandons an uncertain submission the provider's batch list does not show, and sends its items again", async () => {
      // The connection drops after the body was sent, before the provider created anything.
      f.fake.batches.scriptCalls(fakeStep.dropConnection());
      const lost = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(lost.processed).toBe(0);
      expect(f.fake.stats.batchesCreated).toBe(0);

      const next = await runRequest(f.services, {
        processingType: "description_cleaning",
        mode: "batch",
      });
      expect(next.succeeded).toBe(LISTINGS.length);
      expect(f.fake.stats.batchesCreated).toBe(1);
      expect((await batchRows(f)).map((b) => b.state)).toEqual(["abandoned", "done"]);
    });

    it("resumes a --force run's batch in a run without --force: its items are done already, the batch is paid for", async () => {
      await runRequest(f.services, { processingType: "description_cleaning" });
      const control = new AbortController();
      const forced = runRequest(
        f.services,
        { processingType: "description_cleaning", mode: "batch", force: true },
        { signal: control.signal, runId: "run-forced" },
      );
      await waitFor(async () => (await batchRows(f)).some((b) => b.state === "live"));
      control.abort();
      expect((await forced).openBatches).toHaveLength(1);

      const resumed = await runRequest(f.services, { processingType: "description_cleaning" });
      expect(resumed.transportReason).toBe("resumed open batches");
      expect(resumed.succeeded).toBe(LISTINGS.length);
      expect((await batchRows(f)).map((b) => b.state)).toEqual(["done"]);
      expect(f.fake.stats.batchSubmissions).toBe(1);
    });

    it("stops waiting on abort, keeps the items claimed, and the next run resumes without resubmitting", async () => {
      const control = new AbortController();
      const first = runRequest(
        f.services,
        { processingType: "description_cleaning", mode: "batch" },
        { signal: control.signal, runId: "run-killed" },
      );
      await waitFor(async () => (await batchRows(f)).some((b) => b.state === "live"));
      // Claimed for as long as the batch is live: a run alongside finds nothing to send.
      const alongside = await runRequest(f.services, { processingType: "description_cleaning" });
      expect(alongside.processed).toBe(0);
      expect(alongside.transport).toBe("sync");
      control.abort();
      const stopped = await first;
      expect(stopped.stop?.reason).toBe("interrupted");
      expect(stopped.processed).toBe(0);
      expect(stopped.openBatches).toHaveLength(1);
      const held = await states(f, "description_cleaning");
      expect(held.every((r) => r.claimed_by === "run-killed" && r.status === "pending")).toBe(true);

      // The next run of the type (even one that did not ask for batch mode) resumes the batch.
      const resumed = await runRequest(f.services, { processingType: "description_cleaning" });
      expect(resumed.transport).toBe("batch");
      expect(resumed.transportReason).toBe("resumed open batches");
      expect(resumed.succeeded).toBe(LISTINGS.length);
      expect(f.fake.stats.batchSubmissions).toBe(1);
      expect(f.fake.stats.completions).toBe(0);
      expect((await batchRows(f)).map((b) => b.state)).toEqual(["done"]);
      const after = await states(f, "description_cleaning");
      expect(after.every((r) => r.status === "succeeded" && r.claimed_by === null)).toBe(true);
    });
  });
});
