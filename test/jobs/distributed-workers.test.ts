// End to end: real `rescue-llm worker` subprocesses, real PostgreSQL, real Redis, the fake
// OpenRouter counting requests. Needs TEST_DATABASE_URL and TEST_REDIS_URL (subprocesses
// cannot share an in-memory PGlite).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { listAnimalIdsForJob } from "../../src/db/animal-ids-store.js";
import { createListingDirectory } from "../../src/db/listing-directory.js";
import { resolveRunRequest } from "../../src/enrichment/pipeline/resolve-run-request.js";
import { createBullmqJobQueue } from "../../src/jobs/bullmq-job-queue.js";
import type { JobQueue, JobState } from "../../src/jobs/job-queue.js";
import { queueSettings } from "../../src/jobs/queue-settings.js";
import { createLogger } from "../../src/logger.js";
import { sleep } from "../../src/sleep.js";
import {
  type FakeOpenRouter,
  startFakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { createTestDatabase, type TestDatabase } from "../support/test-databases.js";
import { seedAnimals } from "./support/seed-animals.js";
import { waitFor } from "../support/wait-for.js";
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from "./support/test-redis.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const enabled = Boolean(TEST_REDIS_URL && process.env.TEST_DATABASE_URL);

describe.skipIf(!enabled)("distributed workers (subprocesses)", { timeout: 300_000 }, () => {
  const redisUrl = TEST_REDIS_URL ?? "";
  let testDb: TestDatabase;
  let fake: FakeOpenRouter;
  const prefixes: string[] = [];
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    testDb = await createTestDatabase("postgres");
    fake = await startFakeOpenRouter({
      latency: 40,
    });
  });
  afterEach(async () => {
    for (const child of children) child.kill("SIGKILL");
    children.clear();
  });
  afterAll(async () => {
    await fake?.close();
    await testDb?.dispose();
    for (const p of prefixes) await dropPrefix(redisUrl, p);
  });

  const setup = async (org: string, count: number) => {
    const prefix = uniquePrefix("e2e");
    prefixes.push(prefix);
    const settings = queueSettings({ prefix, chunkSize: 10, pollIntervalMs: 50 });
    const jobs = createBullmqJobQueue({
      redisUrl,
      listAnimalIds: (plan) =>
        listAnimalIdsForJob(testDb.db, {
          organizationId: plan.organization?.id,
          animalIds: plan.animalIds,
        }),
      listPendingItems: () => Promise.reject(new Error("no limited jobs here")),
      logger: createLogger("silent"),
      settings,
    });
    const ids = await seedAnimals(testDb.db, org, count);
    const plan = await resolveRunRequest(
      { config: loadConfig({ ENVIRONMENT: "test" }), directory: createListingDirectory(testDb.db) },
      { processingType: "description_cleaning", organization: org },
    );
    fake.reset();
    return { prefix, jobs, ids, plan };
  };

  /**
   * A worker subprocess. Its chunk lock is short, so that a killed worker's chunk is taken
   * over within seconds — but not so short that a live worker starved of CPU on a busy
   * machine loses its lock mid-chunk: a second attempt of the same chunk would then run
   * alongside the first under the same claims (issue 15 ties claims to live runs).
   */
  const startWorker = (prefix: string, extra: string[] = []) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "worker",
        "--concurrency",
        "1",
        "--queue-prefix",
        prefix,
        "--lock-duration-ms",
        "8000",
        "--stalled-interval-ms",
        "1000",
        ...extra,
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          ENVIRONMENT: "test",
          DATABASE_URL: testDb.url,
          REDIS_URL: redisUrl,
          LLM_BASE_URL: fake.baseUrl,
          OPENROUTER_API_KEY: "test",
          LLM_RETRY_BASE_DELAY: "0.05",
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    children.add(child);
    const ready = waitFor(() => stderr.includes("worker started"), 120_000, "a worker to start");
    return { child, stderr: () => stderr, ready };
  };

  const finished = (jobs: JobQueue, id: string) =>
    waitFor(
      async () => {
        const job = await jobs.get(id);
        return job && (job.state === "completed" || job.state === "failed") ? job : undefined;
      },
      180_000,
      "the job to finish",
    );

  /**
   * One succeeded result row and one log row per item: nothing lost, nothing doubled. The log
   * row is a provider call, or a cache hit where a killed worker's answer reached llm_cache
   * before its result was written (the retry reuses it instead of paying again).
   */
  const expectExactlyOnce = async (ids: readonly number[], job: JobState) => {
    const results = await testDb.db.query<{ animal_id: number; status: string }>(
      "SELECT animal_id, status FROM llm_enrichments WHERE processing_type = 'description_cleaning' AND animal_id = ANY($1::int[])",
      [[...ids]],
    );
    expect(
      results
        .filter((r) => r.status === "succeeded")
        .map((r) => Number(r.animal_id))
        .sort((a, b) => a - b),
    ).toEqual(ids);
    // A call whose answer reached the shared cache before its worker died is answered from
    // the cache on the retry: one call or one cache hit per item, never two calls.
    const logs = await testDb.db.query<{ animal_id: number; calls: string; hits: string }>(
      `SELECT animal_id, count(*) FILTER (WHERE status <> 'cache_hit') AS calls,
              count(*) FILTER (WHERE status = 'cache_hit') AS hits
         FROM llm_processing_logs
        WHERE processing_type = 'description_cleaning' AND animal_id = ANY($1::int[])
        GROUP BY animal_id`,
      [[...ids]],
    );
    expect(logs).toHaveLength(ids.length);
    expect(logs.filter((l) => Number(l.calls) > 1)).toEqual([]);
    expect(logs.filter((l) => Number(l.calls) === 0 && Number(l.hits) === 0)).toEqual([]);
    const cleaned = await testDb.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM animals WHERE id = ANY($1::int[]) AND enriched_description IS NOT NULL",
      [[...ids]],
    );
    expect(Number(cleaned[0]?.n)).toBe(ids.length);
    expect(job).toMatchObject({
      state: "completed",
      total: ids.length,
      done: ids.length,
      failedChunks: [],
    });
  };

  it("three workers finish one job exactly once, every request taking a slot of one shared schedule", async () => {
    const { prefix, jobs, ids, plan } = await setup("e2e-rate", 60);
    const rps = 20;
    const intervalUs = 1e6 / rps;
    const workers = [0, 1, 2].map(() => startWorker(prefix, ["--provider-rps", String(rps)]));
    await Promise.all(workers.map((w) => w.ready));
    // The gate's schedule lives in Redis, on Redis's clock: each reservation moves the next
    // free slot on by exactly 1/R. Counting how far it moved counts the reservations made on
    // the one shared key — no wall-clock window of this test process is involved.
    const redis = new Redis(redisUrl);
    const slotKey = `${prefix}:${queueSettings().queueName}:provider:next-slot`;
    const [seconds, micros] = await redis.time();
    const startUs = Number(seconds) * 1e6 + Number(micros);
    let lastSlotUs = startUs;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const value = await redis.get(slotKey);
        if (value !== null) lastSlotUs = Math.max(lastSlotUs, Number(value));
        await sleep(20);
      }
    })();
    try {
      const { id } = await jobs.enqueue(plan);
      expect((await jobs.enqueue(plan)).id).toBe(id);
      const job = await finished(jobs, id);
      await jobs.close();
      await expectExactlyOnce(ids, job);
      expect(fake.stats.completions).toBe(ids.length);
      expect(job.llmCalls).toBe(ids.length);
      expect(job.costUsd).toBeGreaterThan(0);
    } finally {
      watching = false;
      await watch;
      redis.disconnect();
    }
    // Every one of the three workers' requests reserved its slot from the same schedule: had
    // each worker kept its own, the shared key would count only a third of them.
    const reservations = Math.floor((lastSlotUs - startUs) / intervalUs);
    expect(reservations).toBeGreaterThanOrEqual(fake.stats.completions);
  });

  it("a worker killed with -9 mid-job and one stopped gracefully lose and double nothing", async () => {
    const { prefix, jobs, ids, plan } = await setup("e2e-crash", 90);
    const { id } = await jobs.enqueue(plan);
    const workers = [0, 1, 2].map(() => startWorker(prefix, ["--provider-rps", "30"]));
    await waitFor(() => fake.stats.completions >= 15, 120_000, "work to start").catch(
      (error: unknown) => {
        throw new Error(
          `${String(error)}; completions ${fake.stats.completions}; ${workers.map((w) => w.stderr()).join("\n")}`,
        );
      },
    );
    const [victim, graceful] = workers;
    victim?.child.kill("SIGKILL");
    graceful?.child.kill("SIGTERM");
    const [code] = (await once(graceful!.child, "exit")) as [number | null];
    expect(code, graceful?.stderr()).toBe(0);

    const job = await finished(jobs, id);
    await jobs.close();
    await expectExactlyOnce(ids, job);
    // Calls in flight when the worker died were never written, so they were made again.
    expect(fake.stats.completions).toBeGreaterThanOrEqual(ids.length);
    expect(fake.stats.completions).toBeLessThanOrEqual(ids.length + 20);
  });
});
