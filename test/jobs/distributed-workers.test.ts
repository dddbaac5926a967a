// End to end: real `rescue-llm worker` subprocesses, real PostgreSQL, real Redis, the fake
// OpenRouter counting requests. Needs TEST_DATABASE_URL and TEST_REDIS_URL (subprocesses
// cannot share an in-memory PGlite).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listAnimalIdsForJob } from "../../src/db/animal-ids-store.js";
import { createBullmqJobQueue } from "../../src/jobs/bullmq-job-queue.js";
import type { JobQueue, JobState } from "../../src/jobs/job-queue.js";
import { queueSettings } from "../../src/jobs/queue-settings.js";
import { createLogger } from "../../src/logger.js";
import {
  type FakeOpenRouter,
  startFakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { maxInWindow } from "../../src/testing/max-in-window.js";
import { createTestDatabase, type TestDatabase } from "../support/test-databases.js";
import { seedAnimals } from "./support/seed-animals.js";
import { dropPrefix, TEST_REDIS_URL, uniquePrefix, waitFor } from "./support/test-redis.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const enabled = Boolean(TEST_REDIS_URL && process.env.TEST_DATABASE_URL);

describe.skipIf(!enabled)("distributed workers (subprocesses)", { timeout: 90_000 }, () => {
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
      resolveAnimalIds: (selection) => listAnimalIdsForJob(testDb.db, selection),
      defaultTargetLanguages: ["de"],
      logger: createLogger("silent"),
      settings,
    });
    const ids = await seedAnimals(testDb.db, org, count);
    fake.reset();
    return { prefix, jobs, ids };
  };

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
        "1500",
        "--stalled-interval-ms",
        "500",
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
    const ready = waitFor(() => stderr.includes("worker started"), 30_000, "a worker to start");
    return { child, stderr: () => stderr, ready };
  };

  const finished = (jobs: JobQueue, id: string) =>
    waitFor(
      async () => {
        const job = await jobs.get(id);
        return job && (job.state === "completed" || job.state === "failed") ? job : undefined;
      },
      60_000,
      "the job to finish",
    );

  /** One succeeded result row and one logged call per item: nothing lost, nothing doubled. */
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
    const logs = await testDb.db.query<{ animal_id: number; n: string }>(
      `SELECT animal_id, count(*) AS n FROM llm_processing_logs
        WHERE processing_type = 'description_cleaning' AND status <> 'cache_hit' AND animal_id = ANY($1::int[])
        GROUP BY animal_id`,
      [[...ids]],
    );
    expect(logs).toHaveLength(ids.length);
    expect(logs.every((l) => Number(l.n) === 1)).toBe(true);
    const cleaned = await testDb.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM animals WHERE id = ANY($1::int[]) AND enriched_description IS NOT NULL",
      [[...ids]],
    );
    expect(Number(cleaned[0]?.n)).toBe(ids.length);
    expect(job).toMatchObject({
      state: "completed",
      total: ids.length,
      done: ids.length,
      failed_chunks: [],
    });
  };

  it("three workers finish one job exactly once, within a provider limit shared by all", async () => {
    const { prefix, jobs, ids } = await setup("e2e-rate", 60);
    const rps = 20;
    const spec = {
      processingType: "description_cleaning" as const,
      organizationConfigId: "e2e-rate",
    };
    const workers = [0, 1, 2].map(() => startWorker(prefix, ["--provider-rps", String(rps)]));
    // Start measuring once all three are up, not while two of them are still compiling.
    await Promise.all(workers.map((w) => w.ready));
    const { id } = await jobs.enqueue(spec);
    expect((await jobs.enqueue(spec)).id).toBe(id);
    const job = await finished(jobs, id);
    await jobs.close();

    await expectExactlyOnce(ids, job);
    expect(fake.stats.completions).toBe(ids.length);
    expect(job.llm_calls).toBe(ids.length);
    expect(job.cost_usd).toBeGreaterThan(0);
    // Slots are handed out exactly 1/R apart; what reaches the provider also carries each
    // process's timer, Redis and HTTP jitter (~100-150 ms on two busy cores), which can squeeze
    // a few extra requests into one second. Unshared, three workers would send far more.
    const arrivals = fake.requests.map((r) => r.receivedAt);
    const sorted = [...arrivals].sort((a, b) => a - b);
    const meanRps = (sorted.length - 1) / (((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)) / 1000);
    // Over a few seconds, jitter at the first and last arrival alone moves the mean by a few
    // percent; the provider's own verdict (no 429 below) is the strict check.
    expect(meanRps).toBeLessThanOrEqual(rps * 1.05);
    expect(maxInWindow(arrivals, 1000)).toBeLessThanOrEqual(rps + 4);
    expect(fake.stats.rateLimited).toBe(0);
  });

  it("a worker killed with -9 mid-job and one stopped gracefully lose and double nothing", async () => {
    const { prefix, jobs, ids } = await setup("e2e-crash", 90);
    const { id } = await jobs.enqueue({
      processingType: "description_cleaning",
      organizationConfigId: "e2e-crash",
    });
    const workers = [0, 1, 2].map(() => startWorker(prefix, ["--provider-rps", "30"]));
    await waitFor(() => fake.stats.completions >= 15, 30_000, "work to start").catch(
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
