// The BullMQ adapter and chunk workers against real Redis and a real database, with a
// recording stand-in for the pipeline run (the pipeline has its own tests).
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { listAnimalIdsForJob } from "../../src/db/animal-ids-store.js";
import { createEnrichmentStore } from "../../src/db/enrichment-store.js";
import { createListingDirectory } from "../../src/db/listing-directory.js";
import {
  candidateFilter,
  resolveRunRequest,
  type ResolveDeps,
} from "../../src/enrichment/pipeline/resolve-run-request.js";
import { runEnrichment } from "../../src/enrichment/pipeline/run-enrichment.js";
import type { RunControl, RunPlan, RunRequest } from "../../src/enrichment/pipeline/run-request.js";
import type { RunSummary } from "../../src/enrichment/pipeline/run-types.js";
import { RunInterruptedError } from "../../src/errors.js";
import { createBullmqJobQueue } from "../../src/jobs/bullmq-job-queue.js";
import { createJobQueue } from "../../src/jobs/create-job-queue.js";
import { startChunkWorker, type ChunkWorker } from "../../src/jobs/chunk-worker.js";
import type { JobQueue, JobState } from "../../src/jobs/job-queue.js";
import { bullmqConnection, queueSettings } from "../../src/jobs/queue-settings.js";
import { createLogger } from "../../src/logger.js";
import { sleep } from "../../src/sleep.js";
import {
  createPipelineFixture,
  seedListings,
  sharedListings,
} from "../support/pipeline-fixture.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";
import { seedAnimals } from "./support/seed-animals.js";
import { waitFor } from "../support/wait-for.js";
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from "./support/test-redis.js";

const logger = createLogger("silent");

/** Stands in for runEnrichment: one "call" per item, progress after each. */
function recordingRun(options: { itemDelayMs?: number; failIds?: ReadonlySet<number> } = {}) {
  const calls = new Map<number, number>();
  const runIds: string[] = [];
  const run = async (plan: RunPlan, control: RunControl): Promise<RunSummary> => {
    runIds.push(control.runId ?? "");
    const ids = plan.animalIds ?? [];
    if (ids.some((id) => options.failIds?.has(id))) throw new Error("simulated pipeline crash");
    let done = 0;
    for (const id of ids) {
      if (control.signal?.aborted) break;
      if (options.itemDelayMs) await sleep(options.itemDelayMs);
      calls.set(id, (calls.get(id) ?? 0) + 1);
      done += 1;
      control.onProgress?.({
        total: ids.length,
        done,
        succeeded: done,
        failed: 0,
        skipped: 0,
        llmCalls: done,
        cacheHits: 0,
        costUsd: done * 0.001,
        elapsedMs: 1,
        heldByOtherRuns: 0,
      });
    }
    return {
      processed: done,
      succeeded: done,
      failed: 0,
      skipped: 0,
      skippedByReason: {},
      successRatePercent: 100,
      upToDate: 0,
      processingTimeMs: 0,
      llmCalls: done,
      verificationCalls: 0,
      cacheHits: 0,
      costUsd: done * 0.001,
      heldByOtherRuns: 0,
      stop: control.signal?.aborted
        ? { reason: "interrupted", fatal: false, error: new RunInterruptedError() }
        : undefined,
      items: [],
    };
  };
  return { run, calls, runIds };
}

describe.skipIf(!TEST_REDIS_URL).each(DATABASE_KINDS)("BullMQ job queue (%s)", (kind) => {
  const url = TEST_REDIS_URL ?? "";
  const prefix = uniquePrefix(`queue-${kind}`);
  let testDb: TestDatabase;
  let resolveDeps: ResolveDeps;
  let ids: number[];
  const plan = (request: RunRequest) => resolveRunRequest(resolveDeps, request);
  const opened: { close(): Promise<void> }[] = [];
  let testNo = 0;

  // Each test gets its own queue (prefix), so leftovers of one never reach the next.
  const setup = (overrides: Parameters<typeof queueSettings>[0] = {}) => {
    testNo += 1;
    const settings = queueSettings({
      prefix: `${prefix}-${testNo}`,
      chunkSize: 10,
      chunkBackoffMs: 10,
      pollIntervalMs: 50,
      ...overrides,
    });
    const store = createEnrichmentStore(testDb.db);
    const jobs = createBullmqJobQueue({
      redisUrl: url,
      listAnimalIds: (p) =>
        listAnimalIdsForJob(testDb.db, {
          organizationId: p.organization?.id,
          animalIds: p.animalIds,
        }),
      listPendingItems: (p, limit) => store.listCandidateKeys(candidateFilter(p), limit),
      logger,
      settings,
    });
    opened.push(jobs);
    const workers: ChunkWorker[] = [];
    const startWorkers = (
      n: number,
      run: (p: RunPlan, c: RunControl) => Promise<RunSummary>,
      concurrency = 2,
    ) => {
      for (let i = 0; i < n; i++) {
        const worker = startChunkWorker(
          { redisUrl: url, logger, settings, resolve: plan, run },
          { concurrency },
        );
        workers.push(worker);
        opened.push({ close: () => worker.close("finish") });
      }
      return workers;
    };
    return { jobs, settings, startWorkers };
  };

  const finished = (jobs: JobQueue, id: string) =>
    waitFor(
      async () => {
        const job = await jobs.get(id);
        return job && (job.state === "completed" || job.state === "failed") ? job : undefined;
      },
      60_000,
      `job ${id} to finish`,
    );

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    resolveDeps = {
      config: loadConfig({ ENVIRONMENT: "test", LLM_TRANSLATION_LANGUAGES: "de,fr" }),
      directory: createListingDirectory(testDb.db),
    };
    ids = await seedAnimals(testDb.db, "queue-org", 95);
    await seedAnimals(testDb.db, "other-org", 7);
    await seedAnimals(testDb.db, "nobody", 0);
  });
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
    await testDb?.dispose();
    for (let i = 1; i <= testNo; i++) await dropPrefix(url, `${prefix}-${i}`);
  });

  it("three workers finish every item of an organization exactly once and aggregate progress", async () => {
    const { jobs, startWorkers } = setup();
    const { run, calls, runIds } = recordingRun({ itemDelayMs: 2 });
    const { id } = await jobs.enqueue(
      await plan({ processingType: "description_cleaning", organization: "queue-org" }),
    );
    const seen: JobState[] = [];
    const stop = jobs.subscribe(id, (s) => seen.push(s));
    startWorkers(3, run);
    const job = await finished(jobs, id);
    await waitFor(
      () => seen.at(-1)?.state === "completed",
      60_000,
      "the subscriber to hear the end",
    );
    stop();

    expect([...calls.keys()].sort((a, b) => a - b)).toEqual(ids);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(runIds).size).toBe(10); // 95 ids in chunks of 10
    expect(job).toMatchObject({
      state: "completed",
      total: 95,
      done: 95,
      succeeded: 95,
      llmCalls: 95,
      failedChunks: [],
    });
    expect(job.costUsd).toBeCloseTo(0.095, 6);
    expect(job.finishedAt).not.toBeNull();
    expect(seen.some((s) => s.state === "running" || s.state === "queued")).toBe(true);
    expect((await jobs.list()).map((j) => j.id)).toContain(id);
  });

  it("enqueueing the same work twice is a no-op: same id, no extra chunks", async () => {
    const { jobs, settings } = setup();
    const spec = {
      processingType: "translation" as const,
      animalIds: ids.slice(0, 25),
      targetLanguages: ["fr", "de"] as const,
    };
    const first = await jobs.enqueue(
      await plan({ ...spec, targetLanguages: [...spec.targetLanguages] }),
    );
    const second = await jobs.enqueue(
      await plan({
        ...spec,
        animalIds: [...spec.animalIds].reverse(),
        targetLanguages: ["de", "fr"],
      }),
    );
    const other = await jobs.enqueue(await plan({ ...spec, targetLanguages: ["de"] }));
    expect(second.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);

    const queue = new Queue(settings.queueName, {
      connection: bullmqConnection(url),
      prefix: settings.prefix,
    });
    try {
      const counts = await queue.getJobCounts("wait", "active", "delayed");
      expect(counts.wait).toBe(3 + 3); // 25 ids in chunks of 10, for two distinct jobs
    } finally {
      await queue.close();
    }
    const job = await jobs.get(first.id);
    expect(job).toMatchObject({ state: "queued", total: 50, processingType: "translation" });
  });

  it("a chunk that fails all its attempts lands in failed_chunks; the rest completes", async () => {
    const { jobs, startWorkers } = setup({ chunkAttempts: 2 });
    const bad = ids[42] ?? 0;
    const { run, calls } = recordingRun({ failIds: new Set([bad]) });
    const { id } = await jobs.enqueue(
      await plan({ processingType: "dog_profiler", organization: "queue-org" }),
    );
    startWorkers(2, run);
    const job = await finished(jobs, id);
    expect(job.state).toBe("failed");
    expect(job.failedChunks).toHaveLength(1);
    expect(job.failedChunks[0]?.error).toContain("simulated pipeline crash");
    expect(calls.size).toBe(85);
    expect(calls.has(bad)).toBe(false);
    expect(job.done).toBe(85);
  });

  it("closing a worker hands its running chunks back; another worker finishes them", async () => {
    const { jobs, startWorkers } = setup({ chunkSize: 20 });
    const slow = recordingRun({ itemDelayMs: 20 });
    const { id } = await jobs.enqueue(
      await plan({ processingType: "description_cleaning", organization: "queue-org" }),
    );
    const [first] = startWorkers(1, slow.run, 2);
    await waitFor(() => slow.calls.size >= 5, 60_000, "the first worker to start");
    await first?.close("return");
    const callsBefore = slow.calls.size;
    expect(callsBefore).toBeLessThan(95);

    const fast = recordingRun();
    startWorkers(1, fast.run);
    const job = await finished(jobs, id);
    expect(job.state).toBe("completed");
    const all = new Set([...slow.calls.keys(), ...fast.calls.keys()]);
    expect(all.size).toBe(95);
    expect(job.done).toBe(95);
    // Returned chunks were retried without using up attempts, so nothing failed.
    expect(job.failedChunks).toEqual([]);
  });

  it("re-enqueueing finished work runs it again under the same id", async () => {
    const { jobs, startWorkers } = setup();
    const { run, calls } = recordingRun();
    startWorkers(1, run);
    const spec = { processingType: "description_cleaning" as const, organization: "other-org" };
    const { id } = await jobs.enqueue(await plan(spec));
    await finished(jobs, id);
    const again = await jobs.enqueue(await plan(spec));
    expect(again.id).toBe(id);
    await waitFor(
      () => [...calls.values()].every((n) => n === 2) && calls.size === 7,
      60_000,
      "the second run",
    );
    expect((await finished(jobs, id)).done).toBe(7);
  });

  it("an organization with no animals completes at once", async () => {
    const { jobs } = setup();
    const { id } = await jobs.enqueue(
      await plan({ processingType: "description_cleaning", organization: "nobody" }),
    );
    expect(await jobs.get(id)).toMatchObject({ state: "completed", total: 0 });
  });
});

describe.skipIf(!TEST_REDIS_URL)("BullMQ job queue on the real pipeline", () => {
  const url = TEST_REDIS_URL ?? "";
  const prefix = uniquePrefix("queue-pipeline");
  afterAll(() => dropPrefix(url, prefix));

  it("counts a limit in items (animal × language), as a run does", async () => {
    const f = await createPipelineFixture(
      DATABASE_KINDS.includes("postgres") ? "postgres" : "pglite",
    );
    const settings = queueSettings({ prefix, chunkSize: 1, pollIntervalMs: 50 });
    const jobs = await createJobQueue({
      config: { redisUrl: url },
      db: f.services.db,
      logger,
      pipeline: f.services.pipeline,
      settings,
    });
    const worker = startChunkWorker(
      {
        redisUrl: url,
        logger,
        settings,
        resolve: (request) => resolveRunRequest(f.services.pipeline, request),
        run: (p, control) => runEnrichment(f.services.pipeline, p, control),
      },
      { concurrency: 1 },
    );
    try {
      await seedListings(
        f.services,
        sharedListings(
          4,
          (l) => l.organization === "petfinder-my" && String(l.description).length > 200,
        ),
      );
      const limited = await resolveRunRequest(f.services.pipeline, {
        processingType: "translation",
        targetLanguages: ["de", "fr"],
        limit: 3,
      });
      const { id } = await jobs.enqueue(limited);
      const job = await waitFor(
        async () => {
          const state = await jobs.get(id);
          return state?.state === "completed" || state?.state === "failed" ? state : undefined;
        },
        60_000,
        "the job to finish",
      );
      expect(job).toMatchObject({ state: "completed", total: 3, done: 3, succeeded: 3 });
      const rows = await f.services.db.query<{ animal_id: number; target_language: string }>(
        `SELECT animal_id, target_language FROM llm_enrichments
          WHERE processing_type = 'translation' AND status = 'succeeded'
          ORDER BY animal_id, target_language`,
      );
      // The same three items an in-process run takes: both languages of the first animal,
      // then the first language of the second.
      expect(rows.map((r) => r.target_language)).toEqual(["de", "fr", "de"]);
      expect(new Set(rows.map((r) => r.animal_id)).size).toBe(2);
    } finally {
      await worker.close("finish");
      await jobs.close();
      await f.dispose();
    }
  });
});
