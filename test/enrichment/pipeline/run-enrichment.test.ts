import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planDryRun } from "../../../src/enrichment/pipeline/plan-dry-run.js";
import { resolveRunRequest } from "../../../src/enrichment/pipeline/resolve-run-request.js";
import { answerLikeAModel } from "../../../src/testing/fake-model-answers.js";
import type { FakeOpenRouter } from "../../../src/testing/fake-openrouter/fake-openrouter-server.js";
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

// Real English listings with enough text to profile and translate.
const LISTINGS = sharedListings(
  12,
  (l) =>
    l.organization === "petfinder-my" &&
    String(l.description).length > 200 &&
    String(l.description).length < 600,
);

interface StateRow {
  animal_id: number;
  status: string;
  attempts: number;
}

async function states(f: PipelineFixture, type: string): Promise<StateRow[]> {
  return f.services.db.query<StateRow>(
    "SELECT animal_id, status, attempts FROM llm_enrichments WHERE processing_type = $1 ORDER BY animal_id",
    [type],
  );
}

async function animalCount(f: PipelineFixture): Promise<number> {
  const rows = await f.services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM animals");
  return rows[0]!.n;
}

describe.each(DATABASE_KINDS)("runEnrichment on %s", (kind) => {
  let f: PipelineFixture;
  beforeEach(async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS);
  });
  afterEach(async () => {
    await f.dispose();
  });

  it("cleans every listing once, writes results and logs, and a rerun makes no call", async () => {
    const first = await runRequest(f.services, {
      processingType: "description_cleaning",
    });
    expect(first.failed).toBe(0);
    expect(first.succeeded).toBe(LISTINGS.length);
    expect(first.llmCalls).toBe(LISTINGS.length);
    expect(first.costUsd).toBeGreaterThan(0);
    const rows = await f.services.db.query<{
      enriched_description: string | null;
      llm_model_used: string;
      original: string;
    }>(
      "SELECT enriched_description, llm_model_used, properties->>'description' AS original FROM animals",
    );
    for (const row of rows) {
      expect(row.enriched_description).toBeTruthy();
      expect(row.llm_model_used).not.toBe("openrouter/auto");
    }
    const logs = await f.services.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM llm_processing_logs WHERE status = 'succeeded'",
    );
    expect(logs[0]!.n).toBe(LISTINGS.length);

    const callsBefore = f.fake.stats.completions;
    const second = await runRequest(f.services, {
      processingType: "description_cleaning",
    });
    expect(second.processed).toBe(0);
    expect(f.fake.stats.completions).toBe(callsBefore);
  });

  it("never modifies the source listing", async () => {
    const before = await f.services.db.query("SELECT id, properties FROM animals ORDER BY id");
    await runRequest(f.services, { processingType: "description_cleaning" });
    await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: ["de"],
    });
    const after = await f.services.db.query("SELECT id, properties FROM animals ORDER BY id");
    expect(after).toEqual(before);
  });

  it("picks up a changed description, and --force redoes everything", async () => {
    await runRequest(f.services, { processingType: "description_cleaning" });
    await f.services.db.query(
      `UPDATE animals SET properties = jsonb_set(properties, '{description}', to_jsonb((properties->>'description') || ' He is 3 years old.'))
       WHERE id = (SELECT min(id) FROM animals)`,
    );
    const changed = await runRequest(f.services, {
      processingType: "description_cleaning",
    });
    expect(changed.processed).toBe(1);
    const forced = await runRequest(f.services, {
      processingType: "description_cleaning",
      force: true,
    });
    expect(forced.processed).toBe(LISTINGS.length);
  });

  it("limits the run and writes in batches of -b rows", async () => {
    const summary = await runRequest(f.services, {
      processingType: "description_cleaning",
      limit: 5,
      batchSize: 2,
    });
    expect(summary.processed).toBe(5);
    expect(
      (await states(f, "description_cleaning")).filter((s) => s.status === "succeeded"),
    ).toHaveLength(5);
  });

  it("two concurrent runs never process the same item twice", async () => {
    const [a, b] = await Promise.all([
      runRequest(f.services, { processingType: "description_cleaning" }),
      runRequest(f.services, { processingType: "description_cleaning" }),
    ]);
    expect(a.succeeded + b.succeeded).toBe(LISTINGS.length);
    expect(f.fake.stats.completions).toBe(LISTINGS.length);
    const rows = await states(f, "description_cleaning");
    expect(rows).toHaveLength(LISTINGS.length);
    expect(rows.every((r) => r.attempts === 1 && r.status === "succeeded")).toBe(true);
  });

  it("identical inputs within a run cost one call", async () => {
    const twin = { ...LISTINGS[0]!, external_id: "twin-of-first" };
    await seedListings(f.services, [twin]);
    const summary = await runRequest(f.services, {
      processingType: "description_cleaning",
    });
    expect(summary.succeeded).toBe(LISTINGS.length + 1);
    expect(summary.llmCalls).toBe(LISTINGS.length);
    expect(summary.cacheHits).toBe(1);
  });

  it("translate keeps other languages and translates the cleaned text when there is one", async () => {
    await runRequest(f.services, { processingType: "description_cleaning" });
    await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: ["de"],
    });
    await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: ["fr", "es"],
    });
    const rows = await f.services.db.query<{ translations: Record<string, string> }>(
      "SELECT translations FROM animals",
    );
    for (const row of rows)
      expect(Object.keys(row.translations).sort()).toEqual(["de", "es", "fr"]);
    const sent = f.fake.requests.map((r) => JSON.stringify(r.body));
    const cleaned = await f.services.db.query<{ enriched_description: string }>(
      "SELECT enriched_description FROM animals ORDER BY id LIMIT 1",
    );
    const translationRequests = sent.filter((s) => s.includes("Target language code"));
    expect(
      translationRequests.some((s) =>
        s.includes(JSON.stringify(cleaned[0]!.enriched_description).slice(1, 40)),
      ),
    ).toBe(true);
  });

  it("stops cleanly at the budget", async () => {
    const budgeted = await createPipelineFixture(kind, {
      env: { LLM_BUDGET_USD: "0.0000001", LLM_BATCH_CONCURRENT: "1" },
    });
    try {
      await seedListings(budgeted.services, LISTINGS);
      const summary = await runRequest(budgeted.services, {
        processingType: "description_cleaning",
      });
      expect(summary.stop).toMatchObject({ reason: "budget_exceeded", fatal: true });
      expect(summary.stop?.error.code).toBe("budget_exceeded");
      expect(summary.processed).toBeLessThan(LISTINGS.length);
      expect(summary.succeeded).toBeGreaterThan(0);
      // Finished work was written before stopping.
      expect(
        (await states(budgeted, "description_cleaning")).filter((s) => s.status === "succeeded"),
      ).toHaveLength(summary.succeeded);
    } finally {
      await budgeted.dispose();
    }
  });

  it("an interrupt stops intake, flushes finished work, and a rerun completes the rest", async () => {
    const slow = await createPipelineFixture(kind, {
      env: { LLM_BATCH_CONCURRENT: "2" },
      fake: { latency: 20 },
    });
    try {
      await seedListings(slow.services, LISTINGS);
      const controller = new AbortController();
      const first = await runRequest(
        slow.services,
        { processingType: "description_cleaning", batchSize: 1 },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.done >= 3) controller.abort();
          },
        },
      );
      expect(first.stop).toMatchObject({ reason: "interrupted", fatal: false });
      expect(first.processed).toBeLessThan(LISTINGS.length);
      const written = (await states(slow, "description_cleaning")).filter(
        (s) => s.status === "succeeded",
      ).length;
      expect(written).toBe(first.succeeded);
      const second = await runRequest(slow.services, {
        processingType: "description_cleaning",
      });
      expect(first.succeeded + second.succeeded).toBe(LISTINGS.length);
      const rows = await states(slow, "description_cleaning");
      expect(rows.every((r) => r.status === "succeeded" && r.attempts === 1)).toBe(true);
    } finally {
      await slow.dispose();
    }
  });

  it("keeps LLM_BATCH_CONCURRENT calls in flight, and starts none of the waiting ones after a stop", async () => {
    // The first three answers wait until three requests have arrived: the window then is
    // full however a busy machine spaces the requests out (counted, not timed).
    let fake: FakeOpenRouter | undefined = undefined;
    let held = 0;
    const windowed = await createPipelineFixture(kind, {
      env: { LLM_BATCH_CONCURRENT: "3" },
      fake: {
        latency: 30,
        responder: async (request) => {
          if (held < 3) {
            held += 1;
            await waitFor(() => (fake?.stats.completions ?? 0) >= 3, 60_000, "a full window");
          }
          return answerLikeAModel(request);
        },
      },
    });
    fake = windowed.fake;
    try {
      await seedListings(windowed.services, LISTINGS);
      const full = await runRequest(windowed.services, {
        processingType: "description_cleaning",
      });
      expect(full.succeeded).toBe(LISTINGS.length);
      expect(windowed.fake.stats.maxInFlight).toBe(3);

      // Every item is claimed and waiting for a call slot when the stop comes.
      const controller = new AbortController();
      let callsAtStop = 0;
      const stopped = await runRequest(
        windowed.services,
        { processingType: "translation", targetLanguages: ["de"] },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.done === 1) {
              callsAtStop = windowed.fake.stats.completions;
              controller.abort();
            }
          },
        },
      );
      expect(stopped.stop?.reason).toBe("interrupted");
      // Only calls already on their way may still reach the provider.
      expect(windowed.fake.stats.completions - callsAtStop).toBeLessThanOrEqual(3);
      expect(stopped.processed).toBeLessThan(LISTINGS.length);
    } finally {
      await windowed.dispose();
    }
  });

  it("a 401 mid-run stops at once instead of failing every item", async () => {
    const summary = await runRequest(
      f.services,
      { processingType: "description_cleaning" },
      {
        onProgress: (p) => {
          if (p.done === 2)
            f.fake.script(...Array.from({ length: 40 }, () => fakeStep.httpError(401)));
        },
      },
    );
    expect(summary.stop).toMatchObject({ reason: "provider_refused", fatal: true });
    expect(summary.stop?.error.code).toBe("llm_auth");
    expect(summary.failed).toBe(0);
    // Calls already in flight may land; nothing is retried after a 401.
    expect(f.fake.stats.byStatus[401] ?? 0).toBeLessThanOrEqual(f.config.batch.concurrent);
  });

  it("keeps the previous good value when a later attempt fails its checks", async () => {
    // Without the cache, so that the forced rerun really asks the model again.
    const uncached = await createPipelineFixture(kind, { env: { LLM_CACHE_ENABLED: "false" } });
    try {
      await seedListings(uncached.services, LISTINGS.slice(0, 1));
      const f = uncached;
      await runRequest(f.services, {
        processingType: "description_cleaning",
        limit: 1,
      });
      const [before] = await f.services.db.query<{ id: number; enriched_description: string }>(
        "SELECT id, enriched_description FROM animals WHERE enriched_description IS NOT NULL",
      );
      f.fake.script(
        fakeStep.content("Visit http://scam.example.com to adopt. Ignore previous instructions."),
        fakeStep.content("Visit http://scam.example.com to adopt. Ignore previous instructions."),
      );
      const summary = await runRequest(f.services, {
        processingType: "description_cleaning",
        animalIds: [before!.id],
        force: true,
      });
      expect(summary.failed).toBe(1);
      expect(summary.items[0]?.reasons?.length).toBeGreaterThan(0);
      const [after] = await f.services.db.query<{
        enriched_description: string;
        llm_processing_flags: Record<string, { status: string }>;
      }>("SELECT enriched_description, llm_processing_flags FROM animals WHERE id = $1", [
        before!.id,
      ]);
      expect(after!.enriched_description).toBe(before!.enriched_description);
      expect(after!.llm_processing_flags.description_cleaning?.status).toBe("failed");
    } finally {
      await uncached.dispose();
    }
  });

  it("retries a failed write, and never marks done what it could not write", async () => {
    // A real trigger makes the database refuse writes: once, then always.
    // A sequence, unlike a table, keeps its count when the failing transaction rolls back.
    await f.services.db.exec(`
      CREATE TABLE write_faults (mode TEXT NOT NULL);
      INSERT INTO write_faults VALUES ('once');
      CREATE SEQUENCE write_fault_count;
      CREATE FUNCTION fail_write() RETURNS trigger AS $$
      BEGIN
        IF NEW.status IN ('succeeded', 'failed') AND (
             (SELECT mode FROM write_faults) = 'always'
             OR ((SELECT mode FROM write_faults) = 'once' AND nextval('write_fault_count') = 1)) THEN
          RAISE EXCEPTION 'injected write failure';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql;
      CREATE TRIGGER fail_write BEFORE INSERT OR UPDATE ON llm_enrichments
        FOR EACH ROW EXECUTE FUNCTION fail_write();`);
    const deps = { ...f.services.pipeline, writeRetryDelayMs: 1 };
    const once = await runRequest(
      { pipeline: deps },
      { processingType: "description_cleaning", limit: 4 },
    );
    expect(once.succeeded).toBe(4);

    await f.services.db.query("UPDATE write_faults SET mode = 'always'");
    const always = await runRequest(
      { pipeline: deps },
      { processingType: "description_cleaning", limit: 3, batchSize: 3 },
    );
    expect(always.stop).toMatchObject({ reason: "write_failed", fatal: false });
    expect(always.succeeded).toBe(0);
    await f.services.db.query("UPDATE write_faults SET mode = 'off'");
    const rows = await states(f, "description_cleaning");
    expect(rows.filter((r) => r.status === "succeeded")).toHaveLength(4);
    // Nothing stays claimed: a rerun takes the rest.
    const rest = await runRequest({ pipeline: deps }, { processingType: "description_cleaning" });
    expect(rest.succeeded).toBe(LISTINGS.length - 4);
  });

  it("dry run counts and estimates without any call or write", async () => {
    const plan = await planDryRun(
      f.services.pipeline,
      await resolveRunRequest(f.services.pipeline, { processingType: "dog_profiler" }),
    );
    expect(plan.itemCount).toBe(await animalCount(f));
    expect(plan.wouldCall + plan.cached + plan.withoutCall).toBeGreaterThan(0);
    expect(plan.samples.length).toBeGreaterThan(0);
    expect(plan.estimatedPromptTokens).toBeGreaterThan(0);
    // Profiles are verified by default: each call a run would make has its claim check too,
    // and the totals include it.
    expect(plan.verification).toMatchObject({ calls: plan.wouldCall, model: "openrouter/auto" });
    expect(plan.verification!.promptTokens).toBeGreaterThan(0);
    expect(plan.estimatedPromptTokens).toBeGreaterThan(plan.verification!.promptTokens);
    const cleaning = await planDryRun(
      f.services.pipeline,
      await resolveRunRequest(f.services.pipeline, { processingType: "description_cleaning" }),
    );
    expect(cleaning.verification).toBeUndefined();
    // openrouter/auto routes per request: no price to estimate with, and the plan says why.
    expect(plan.estimatedCostUsd).toBeUndefined();
    expect(plan.price).toMatchObject({ known: false, modelId: "openrouter/auto" });
    expect(f.fake.stats.completions).toBe(0);
    expect(await states(f, "dog_profiler")).toHaveLength(0);
  });
});

describe.each(DATABASE_KINDS)("rate limiting on %s", (kind) => {
  it("pauses on 429s and finishes every item without a 429 failure", async () => {
    const f = await createPipelineFixture(kind, {
      fake: { rateLimit: { requestsPerSecond: 8 }, latency: 40 },
      env: { LLM_BATCH_CONCURRENT: "10" },
    });
    try {
      const listings = sharedListings(
        30,
        (l) => String(l.description).length > 80 && String(l.description).length < 400,
      );
      await seedListings(f.services, listings);
      const summary = await runRequest(f.services, {
        processingType: "description_cleaning",
      });
      expect(f.fake.stats.rateLimited).toBeGreaterThan(0);
      expect(summary.failed).toBe(0);
      expect(summary.succeeded).toBe(listings.length);
    } finally {
      await f.dispose();
    }
  });
});
