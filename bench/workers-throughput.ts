// Throughput of 1, 2 and 4 `rescue-llm worker` processes against a provider limit: shows
// that more workers help until the shared limit binds, and that the limit then holds for
// all of them together (no 429s, no 1-s window above it). Called by the bench runner.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config.js";
import { listAnimalIdsForJob } from "../src/db/animal-ids-store.js";
import { createListingDirectory } from "../src/db/listing-directory.js";
import { migrate } from "../src/db/migrate.js";
import { openPgDatabase } from "../src/db/pg-database.js";
import { resolveRunRequest } from "../src/enrichment/pipeline/resolve-run-request.js";
import { createBullmqJobQueue } from "../src/jobs/bullmq-job-queue.js";
import { queueSettings } from "../src/jobs/queue-settings.js";
import { createLogger } from "../src/logger.js";
import { sleep } from "../src/sleep.js";
import { maxInWindow } from "../src/testing/max-in-window.js";
import { startFakeOpenRouter } from "../src/testing/fake-openrouter/fake-openrouter-server.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

export interface WorkersThroughputOptions {
  /** PostgreSQL (workers are separate processes, so not PGlite); migrated here. */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly workerCounts?: readonly number[];
  /** Listings per run. */
  readonly items?: number;
  /** Provider limit, enforced by the fake (429 above it) and given to the workers. */
  readonly providerRps?: number;
  readonly latency?: number | { medianMs: number; sigma: number };
  /** LLM calls in flight per chunk run (LLM_BATCH_CONCURRENT). */
  readonly callsPerWorker?: number;
  /** The shared limit the workers are given, as a share of the provider's (default 1). */
  readonly gateShare?: number;
}

export interface WorkersThroughputResult {
  readonly workers: number;
  readonly items: number;
  readonly wallSeconds: number;
  readonly itemsPerSecond: number;
  /** Throughput as a share of the provider limit. */
  readonly shareOfLimit: number;
  readonly llmCalls: number;
  readonly rateLimited: number;
  /** Most requests the provider saw in any one-second window. */
  readonly maxRequestsInOneSecond: number;
  /** Requests the provider accepted per second, first to last arrival. */
  readonly acceptedPerSecond: number;
  /** acceptedPerSecond as a share of the provider limit. */
  readonly acceptedShareOfLimit: number;
}

export async function measureWorkersThroughput(
  options: WorkersThroughputOptions,
): Promise<WorkersThroughputResult[]> {
  const workerCounts = options.workerCounts ?? [1, 2, 4];
  const items = options.items ?? 300;
  const rps = options.providerRps ?? 20;
  const db = await openPgDatabase(options.databaseUrl);
  await migrate(db);
  const fake = await startFakeOpenRouter({
    latency: options.latency ?? { medianMs: 800, sigma: 0.6 },
    rateLimit: { requestsPerSecond: rps },
  });
  const results: WorkersThroughputResult[] = [];
  try {
    for (const workers of workerCounts) {
      const tag = `bench-workers-${workers}-${randomBytes(3).toString("hex")}`;
      await seed(db, tag, items);
      fake.reset();
      const settings = queueSettings({ prefix: tag, pollIntervalMs: 100 });
      const jobs = createBullmqJobQueue({
        redisUrl: options.redisUrl,
        listAnimalIds: (plan) =>
          listAnimalIdsForJob(db, {
            organizationId: plan.organization?.id,
            animalIds: plan.animalIds,
          }),
        listPendingItems: () => Promise.reject(new Error("the bench queues no limited jobs")),
        logger: createLogger("silent"),
        settings,
      });
      const gateRps = rps * (options.gateShare ?? 1);
      const children = Array.from({ length: workers }, () => startWorker(options, tag, gateRps));
      try {
        await Promise.all(children.map((c) => c.ready));
        const started = performance.now();
        const plan = await resolveRunRequest(
          { config: loadConfig({ ENVIRONMENT: "test" }), directory: createListingDirectory(db) },
          { processingType: "description_cleaning", organization: tag },
        );
        const { id } = await jobs.enqueue(plan);
        for (;;) {
          const job = await jobs.get(id);
          if (job && (job.state === "completed" || job.state === "failed")) break;
          await sleep(100);
        }
        const wallSeconds = (performance.now() - started) / 1000;
        const arrivals = fake.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
        const spanSeconds = ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000;
        const accepted = fake.stats.completions - fake.stats.rateLimited;
        // n arrivals span n - 1 intervals.
        const acceptedPerSecond = spanSeconds > 0 ? (accepted - 1) / spanSeconds : 0;
        results.push({
          workers,
          items,
          wallSeconds: round(wallSeconds),
          itemsPerSecond: round(items / wallSeconds),
          shareOfLimit: round(items / wallSeconds / rps),
          llmCalls: fake.stats.completions,
          rateLimited: fake.stats.rateLimited,
          maxRequestsInOneSecond: maxInWindow(arrivals, 1000),
          acceptedPerSecond: round(acceptedPerSecond),
          acceptedShareOfLimit: round(acceptedPerSecond / rps),
        });
      } finally {
        for (const c of children) c.child.kill("SIGTERM");
        await Promise.all(
          children.map((c) => new Promise((resolve) => c.child.once("exit", resolve))),
        );
        await jobs.close();
      }
    }
  } finally {
    await fake.close();
    await db.close();
  }
  return results;

  function startWorker(o: WorkersThroughputOptions, prefix: string, limit: number) {
    const child: ChildProcess = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "worker",
        "--concurrency",
        "2",
        "--queue-prefix",
        prefix,
        "--provider-rps",
        String(limit),
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          ENVIRONMENT: "test",
          DATABASE_URL: o.databaseUrl,
          REDIS_URL: o.redisUrl,
          LLM_BASE_URL: fake.baseUrl,
          OPENROUTER_API_KEY: "bench",
          LLM_BATCH_CONCURRENT: String(o.callsPerWorker ?? 10),
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    const ready = new Promise<void>((resolve, reject) => {
      let seen = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes("worker started")) resolve();
      });
      child.once("exit", (code) =>
        reject(new Error(`worker exited early (${code}): ${seen.slice(-500)}`)),
      );
    });
    return { child, ready };
  }
}

async function seed(
  db: Awaited<ReturnType<typeof openPgDatabase>>,
  configId: string,
  count: number,
): Promise<void> {
  const [org] = await db.query<{ id: number }>(
    "INSERT INTO organizations (name, config_id) VALUES ($1, $1) RETURNING id",
    [configId],
  );
  // Descriptions differ per run so the shared llm_cache cannot answer for the provider.
  await db.query(
    `INSERT INTO animals (name, organization_id, external_id, properties)
     SELECT 'Dog ' || n, $1, $2 || '-' || n,
            jsonb_build_object('description', 'Dog number ' || n || ' (' || $2 || ') is friendly, house-trained and good with children.')
       FROM generate_series(1, $3::int) AS n`,
    [org?.id, configId, count],
  );
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

// `npx tsx bench/workers-throughput.ts` runs it alone against the local services.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await measureWorkersThroughput({
    databaseUrl: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    items: Number(process.env.BENCH_WORKER_ITEMS ?? 200),
    workerCounts: (process.env.BENCH_WORKER_COUNTS ?? "1,2,4").split(",").map(Number),
    gateShare: Number(process.env.BENCH_GATE_SHARE ?? 1),
  });
  console.table(results);
}
