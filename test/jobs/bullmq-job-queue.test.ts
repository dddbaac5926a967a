// The BullMQ adapter and chunk workers against real Redis and a real database, with a
// recording stand-in for the pipeline run (the pipeline has its own tests).
import { setTimeout as delay } from "node:timers/promises";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAnimalIdsForJob } from "../../src/db/animal-ids-store.js";
import type { RunRequest, RunSummary } from "../../src/enrichment/pipeline/run-types.js";
import { createBullmqJobQueue } from "../../src/jobs/bullmq-job-queue.js";
import { startChunkWorker, type ChunkWorker } from "../../src/jobs/chunk-worker.js";
import type { JobQueue, JobState } from "../../src/jobs/job-queue.js";
import { bullmqConnection, queueSettings } from "../../src/jobs/queue-settings.js";
import { createLogger } from "../../src/logger.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";
import { seedAnimals } from "./support/seed-animals.js";
import { dropPrefix, TEST_REDIS_URL, uniquePrefix, waitFor } from "./support/test-redis.js";

const logger = createLogger("silent");

/** Stands in for runEnrichment: one "call" per item, progress after each. */
function recordingRun(options: { itemDelayMs?: number; failIds?: ReadonlySet<number> } = {}) {
  const calls = new Map<number, number>();
  const runIds: string[] = [];
  const run = async (request: RunRequest): Promise<RunSummary> => {
    runIds.push(request.runId ?? "");
    const ids = request.animalIds ?? [];
    if (ids.some((id) => options.failIds?.has(id))) throw new Error("simulated pipeline crash");
    let done = 0;
    for (const id of ids) {
      if (request.signal?.aborted) break;
      if (options.itemDelayMs) await delay(options.itemDelayMs);
      calls.set(id, (calls.get(id) ?? 0) + 1);
      done += 1;
      request.onProgress?.({
        total: ids.length,
        done,
        succeeded: done,
        failed: 0,
        skipped: 0,
        llmCalls: done,
        cacheHits: 0,
        costUsd: done * 0.001,
        elapsedMs: 1,
      });
    }
    return {
      total_processed: done,
      succeeded: done,
      failed: 0,
      skipped: 0,
      success_rate: 100,
      processing_time: 0,
      llm_calls: done,
      cache_hits: 0,
      cost_usd: done * 0.001,
      ...(request.signal?.aborted && { stopped: { code: "interrupted", message: "stopped" } }),
      items: [],
    };
  };
  return { run, calls, runIds };
}

describe.skipIf(!TEST_REDIS_URL).each(DATABASE_KINDS)("BullMQ job queue (%s)", (kind) => {
  const url = TEST_REDIS_URL ?? "";
  const prefix = uniquePrefix(`queue-${kind}`);
  let testDb: TestDatabase;
  let ids: number[];
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
    const jobs = createBullmqJobQueue({
      redisUrl: url,
      resolveAnimalIds: (selection) => listAnimalIdsForJob(testDb.db, selection),
      defaultTargetLanguages: ["de", "fr"],
      logger,
      settings,
    });
    opened.push(jobs);
    const workers: ChunkWorker[] = [];
    const startWorkers = (
      n: number,
      run: (r: RunRequest) => Promise<RunSummary>,
      concurrency = 2,
    ) => {
      for (let i = 0; i < n; i++) {
        const worker = startChunkWorker({ redisUrl: url, logger, settings, run }, { concurrency });
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
      20_000,
      `job ${id} to finish`,
    );

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    ids = await seedAnimals(testDb.db, "queue-org", 95);
    await seedAnimals(testDb.db, "other-org", 7);
  });
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
    await testDb?.dispose();
    for (let i = 1; i <= testNo; i++) await dropPrefix(url, `${prefix}-${i}`);
  });

  it("three workers finish every item of an organization exactly once and aggregate progress", async () => {
    const { jobs, startWorkers } = setup();
    const { run, calls, runIds } = recordingRun({ itemDelayMs: 2 });
    const { id } = await jobs.enqueue({
      processingType: "description_cleaning",
      organizationConfigId: "queue-org",
    });
    const seen: JobState[] = [];
    const stop = jobs.subscribe(id, (s) => seen.push(s));
    startWorkers(3, run);
    const job = await finished(jobs, id);
    await waitFor(
      () => seen.at(-1)?.state === "completed",
      5_000,
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
      llm_calls: 95,
      failed_chunks: [],
    });
    expect(job.cost_usd).toBeCloseTo(0.095, 6);
    expect(job.finished_at).not.toBeNull();
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
    const first = await jobs.enqueue({ ...spec, targetLanguages: [...spec.targetLanguages] });
    const second = await jobs.enqueue({
      ...spec,
      animalIds: [...spec.animalIds].reverse(),
      targetLanguages: ["de", "fr"],
    });
    const other = await jobs.enqueue({ ...spec, targetLanguages: ["de"] });
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
    expect(job).toMatchObject({ state: "queued", total: 50, processing_type: "translation" });
  });

  it("a chunk that fails all its attempts lands in failed_chunks; the rest completes", async () => {
    const { jobs, startWorkers } = setup({ chunkAttempts: 2 });
    const bad = ids[42] ?? 0;
    const { run, calls } = recordingRun({ failIds: new Set([bad]) });
    const { id } = await jobs.enqueue({
      processingType: "dog_profiler",
      organizationConfigId: "queue-org",
    });
    startWorkers(2, run);
    const job = await finished(jobs, id);
    expect(job.state).toBe("failed");
    expect(job.failed_chunks).toHaveLength(1);
    expect(job.failed_chunks[0]?.error).toContain("simulated pipeline crash");
    expect(calls.size).toBe(85);
    expect(calls.has(bad)).toBe(false);
    expect(job.done).toBe(85);
  });

  it("closing a worker hands its running chunks back; another worker finishes them", async () => {
    const { jobs, startWorkers } = setup({ chunkSize: 20 });
    const slow = recordingRun({ itemDelayMs: 20 });
    const { id } = await jobs.enqueue({
      processingType: "description_cleaning",
      organizationConfigId: "queue-org",
    });
    const [first] = startWorkers(1, slow.run, 2);
    await waitFor(() => slow.calls.size >= 5, 10_000, "the first worker to start");
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
    expect(job.failed_chunks).toEqual([]);
  });

  it("re-enqueueing finished work runs it again under the same id", async () => {
    const { jobs, startWorkers } = setup();
    const { run, calls } = recordingRun();
    startWorkers(1, run);
    const spec = {
      processingType: "description_cleaning" as const,
      organizationConfigId: "other-org",
    };
    const { id } = await jobs.enqueue(spec);
    await finished(jobs, id);
    const again = await jobs.enqueue(spec);
    expect(again.id).toBe(id);
    await waitFor(
      () => [...calls.values()].every((n) => n === 2) && calls.size === 7,
      10_000,
      "the second run",
    );
    expect((await finished(jobs, id)).done).toBe(7);
  });

  it("an organization with no animals completes at once", async () => {
    const { jobs } = setup();
    const { id } = await jobs.enqueue({
      processingType: "description_cleaning",
      organizationConfigId: "nobody",
    });
    expect(await jobs.get(id)).toMatchObject({ state: "completed", total: 0 });
  });
});
