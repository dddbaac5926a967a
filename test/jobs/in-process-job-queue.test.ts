import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveRunRequest } from "../../src/enrichment/pipeline/resolve-run-request.js";
import type { RunControl, RunPlan, RunRequest } from "../../src/enrichment/pipeline/run-request.js";
import type { RunSummary } from "../../src/enrichment/pipeline/run-types.js";
import { RunInterruptedError } from "../../src/errors.js";
import { createInProcessJobQueue } from "../../src/jobs/in-process-job-queue.js";
import type { JobState } from "../../src/jobs/job-queue.js";
import { createLogger } from "../../src/logger.js";
import { sleep } from "../../src/sleep.js";
import {
  createPipelineFixture,
  seedListings,
  sharedListings,
  type PipelineFixture,
} from "../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../support/test-databases.js";
import { waitFor } from "../support/wait-for.js";

const summary = (n: number, extra: Partial<RunSummary> = {}): RunSummary => ({
  processed: n,
  succeeded: n,
  failed: 0,
  skipped: 0,
  skippedByReason: {},
  successRatePercent: 100,
  upToDate: 0,
  heldByOtherRuns: 0,
  processingTimeMs: 0,
  llmCalls: n,
  verificationCalls: 0,
  cacheHits: 0,
  costUsd: n / 1000,
  stop: undefined,
  items: [],
  ...extra,
});

function gatedRun() {
  const plans: RunPlan[] = [];
  const controls: RunControl[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const run = async (plan: RunPlan, control: RunControl) => {
    plans.push(plan);
    controls.push(control);
    control.onProgress?.({
      total: 4,
      done: 1,
      succeeded: 1,
      failed: 0,
      skipped: 0,
      llmCalls: 1,
      cacheHits: 0,
      costUsd: 0.001,
      elapsedMs: 1,
      heldByOtherRuns: 0,
    });
    await Promise.race([
      released,
      new Promise((resolve) => control.signal?.addEventListener("abort", resolve)),
    ]);
    return summary(
      4,
      control.signal?.aborted
        ? { stop: { reason: "interrupted", fatal: false, error: new RunInterruptedError() } }
        : {},
    );
  };
  return { run, plans, controls, release: () => release() };
}

// One database for the file (PostgreSQL when there is one: a template clone starts faster
// than PGlite): four real listings of one organization.
let f: PipelineFixture;
let orgId: number;
beforeAll(async () => {
  f = await createPipelineFixture(DATABASE_KINDS.includes("postgres") ? "postgres" : "pglite");
  await seedListings(
    f.services,
    sharedListings(
      4,
      (l) => l.organization === "petfinder-my" && String(l.description).length > 200,
    ),
    "org",
  );
  orgId = (await f.services.db.query<{ id: number }>("SELECT id FROM organizations"))[0]!.id;
});
afterAll(() => f.dispose());

const plan = (request: RunRequest) => resolveRunRequest(f.services.pipeline, request);

describe("in-process job queue", () => {
  const logger = createLogger("silent");

  it("runs a job in the background, reports progress to subscribers, dedups identical work", async () => {
    const { run, plans, controls, release } = gatedRun();
    const jobs = createInProcessJobQueue({ run, logger });
    const request = {
      processingType: "translation" as const,
      organization: "org",
      targetLanguages: ["fr", "de"] as ("fr" | "de")[],
    };
    const { id } = await jobs.enqueue(await plan(request));
    // The same work named differently (the organization by its id, languages reordered).
    const again = await plan({ ...request, organization: orgId, targetLanguages: ["de", "fr"] });
    expect((await jobs.enqueue(again)).id).toBe(id);
    const seen: JobState[] = [];
    jobs.subscribe(id, (s) => seen.push(s));
    await waitFor(async () => (await jobs.get(id))?.done === 1, 60_000, "progress");
    expect(await jobs.get(id)).toMatchObject({ state: "running", total: 4, done: 1 });
    release();
    await waitFor(async () => (await jobs.get(id))?.state === "completed", 60_000, "completion");
    expect(await jobs.get(id)).toMatchObject({
      done: 4,
      succeeded: 4,
      llmCalls: 4,
      failedChunks: [],
    });
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({
      organization: { id: orgId, configId: "org" },
      targetLanguages: ["de", "fr"],
    });
    expect(controls[0]?.runId).toBe(id);
    expect(seen.map((s) => s.state)).toEqual(expect.arrayContaining(["running", "completed"]));
    expect((await jobs.list()).map((j) => j.id)).toEqual([id]);
    await jobs.close();
  });

  it("records a failed run and cancels running jobs on close", async () => {
    const jobs = createInProcessJobQueue({
      run: async (p, control) => {
        if (p.definition.name === "dog_profiler") throw new Error("boom");
        await sleep(10_000, control.signal).catch(() => undefined);
        return summary(0);
      },
      logger,
      maxConcurrentJobs: 2,
    });
    const failed = await jobs.enqueue(await plan({ processingType: "dog_profiler" }));
    await waitFor(async () => (await jobs.get(failed.id))?.state === "failed", 60_000, "failure");
    expect((await jobs.get(failed.id))?.failedChunks[0]?.error).toBe("boom");

    const slow = await jobs.enqueue(await plan({ processingType: "description_cleaning" }));
    await waitFor(async () => (await jobs.get(slow.id))?.state === "running", 60_000, "start");
    await jobs.close();
    expect((await jobs.get(slow.id))?.state).toBe("cancelled");
  });
});

describe("in-process job queue on the real pipeline", () => {
  let f: PipelineFixture;
  beforeAll(async () => {
    f = await createPipelineFixture("pglite");
    await seedListings(
      f.services,
      sharedListings(
        4,
        (l) => l.organization === "petfinder-my" && String(l.description).length > 200,
      ),
    );
  });
  afterAll(() => f.dispose());

  it("counts a limit in items (animal × language), as a run does", async () => {
    const plan = await resolveRunRequest(f.services.pipeline, {
      processingType: "translation",
      targetLanguages: ["de", "fr"],
      limit: 3,
    });
    const { id } = await f.services.jobs.enqueue(plan);
    const job = await waitFor(
      async () => {
        const state = await f.services.jobs.get(id);
        return state?.state === "completed" ? state : undefined;
      },
      60_000,
      "the job to complete",
    );
    expect(job).toMatchObject({ total: 3, done: 3, succeeded: 3 });
    const rows = await f.services.db.query<{ animal_id: number; target_language: string }>(
      `SELECT animal_id, target_language FROM llm_enrichments
        WHERE processing_type = 'translation' AND status = 'succeeded'
        ORDER BY animal_id, target_language`,
    );
    // Three items: both languages of the first animal, then the first language of the second.
    expect(rows.map((r) => r.target_language)).toEqual(["de", "fr", "de"]);
    expect(new Set(rows.map((r) => r.animal_id)).size).toBe(2);
  });
});
