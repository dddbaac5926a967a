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
import { FINISHED_JOB_STATES, type JobState } from "../src/jobs/job-queue.js";
import { queueSettings } from "../src/jobs/queue-settings.js";
import { createLogger } from "../src/logger.js";
import { sleep } from "../src/sleep.js";
import { maxInWindow } from "../src/testing/max-in-window.js";
import { startFakeOpenRouter } from "../src/testing/fake-openrouter/fake-openrouter-server.js";
import { busyCores, machineCpu, processCpuSeconds } from "./process-cpu.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Chunks each worker runs at once (`worker --concurrency`). */
const CHUNKS_PER_WORKER = 2;

interface GateStats {
  readonly slotsReserved: number;
  readonly fullSecondWaits: number;
}

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
  /** From enqueueing the job to the provider's first request (chunk pick-up, run start). */
  readonly firstRequestAfterSeconds: number;
  /** From the provider's first request to its last. */
  readonly sendingSeconds: number;
  /** Items the job counted as failed (a 429 that outlasted its retries would be one). */
  readonly itemsFailed: number;
  /** Most requests the provider saw in any one-second window. */
  readonly maxRequestsInOneSecond: number;
  /** Requests the provider accepted per second, first to last arrival. */
  readonly acceptedPerSecond: number;
  /** acceptedPerSecond as a share of the provider limit. */
  readonly acceptedShareOfLimit: number;
  /** Requests/s the workers' own concurrency allows: chunks × calls in flight / mean latency. */
  readonly concurrencyBoundPerSecond: number;
  /** Send slots the workers' shared gate handed out, and how often a send waited for a full second. */
  readonly slotsReserved: number;
  readonly fullSecondWaits: number;
  /** CPU of each worker process over the job, as a share of one core (mean of the workers). */
  readonly workerCpuShare: number;
  /** CPU of this process (the fake provider and the bench loop), as a share of one core. */
  readonly benchCpuShare: number;
  /** Busy cores of the whole machine over the job (PostgreSQL, Redis and other users included). */
  readonly machineBusyCores: number;
}

export async function measureWorkersThroughput(
  options: WorkersThroughputOptions,
): Promise<WorkersThroughputResult[]> {
  const workerCounts = options.workerCounts ?? [1, 2, 4];
  const items = options.items ?? 300;
  const rps = options.providerRps ?? 20;
  const latency = options.latency ?? { medianMs: 800, sigma: 0.6 };
  // Mean of the log-normal latency: median × e^(σ²/2).
  const meanLatencyMs =
    typeof latency === "number" ? latency : latency.medianMs * Math.exp(latency.sigma ** 2 / 2);
  const callsPerWorker = options.callsPerWorker ?? 10;
  const db = await openPgDatabase(options.databaseUrl);
  await migrate(db);
  const fake = await startFakeOpenRouter({
    latency,
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
        const workerCpuBefore = children.map((c) => processCpuSeconds(c.child.pid ?? 0));
        const benchCpuBefore = process.cpuUsage();
        const machineBefore = machineCpu();
        const plan = await resolveRunRequest(
          { config: loadConfig({ ENVIRONMENT: "test" }), directory: createListingDirectory(db) },
          { processingType: "description_cleaning", organization: tag },
        );
        const { id } = await jobs.enqueue(plan);
        let job: JobState | undefined;
        for (;;) {
          job = await jobs.get(id);
          if (job && FINISHED_JOB_STATES.has(job.state)) break;
          await sleep(100);
        }
        const wallSeconds = (performance.now() - started) / 1000;
        const workerCpuSeconds = children.map(
          (c, i) => processCpuSeconds(c.child.pid ?? 0) - (workerCpuBefore[i] ?? 0),
        );
        const benchCpu = process.cpuUsage(benchCpuBefore);
        const machineBusy = busyCores(machineBefore, machineCpu(), wallSeconds);
        const startedAtMs = Date.now() - wallSeconds * 1000;
        const arrivals = fake.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
        const spanSeconds = ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000;
        const accepted = fake.stats.completions - fake.stats.rateLimited;
        // n arrivals span n - 1 intervals.
        const acceptedPerSecond = spanSeconds > 0 ? (accepted - 1) / spanSeconds : 0;
        for (const c of children) c.child.kill("SIGTERM");
        const gates = await Promise.all(children.map((c) => c.gateStats()));
        const concurrencyBound =
          (workers * CHUNKS_PER_WORKER * callsPerWorker) / (meanLatencyMs / 1000);
        results.push({
          workers,
          items,
          wallSeconds: round(wallSeconds),
          itemsPerSecond: round(items / wallSeconds),
          shareOfLimit: round(items / wallSeconds / rps),
          firstRequestAfterSeconds: round(((arrivals[0] ?? startedAtMs) - startedAtMs) / 1000),
          sendingSeconds: round(spanSeconds),
          llmCalls: fake.stats.completions,
          rateLimited: fake.stats.rateLimited,
          itemsFailed: job?.failed ?? 0,
          maxRequestsInOneSecond: maxInWindow(arrivals, 1000),
          acceptedPerSecond: round(acceptedPerSecond),
          acceptedShareOfLimit: round(acceptedPerSecond / rps),
          concurrencyBoundPerSecond: round(concurrencyBound),
          slotsReserved: gates.reduce((sum, g) => sum + g.slotsReserved, 0),
          fullSecondWaits: gates.reduce((sum, g) => sum + g.fullSecondWaits, 0),
          workerCpuShare: round(
            workerCpuSeconds.reduce((sum, s) => sum + s, 0) / workers / wallSeconds,
          ),
          benchCpuShare: round((benchCpu.user + benchCpu.system) / 1e6 / wallSeconds),
          machineBusyCores: round(machineBusy),
        });
      } finally {
        for (const c of children) c.child.kill("SIGTERM");
        await Promise.all(children.map((c) => c.exited));
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
        String(CHUNKS_PER_WORKER),
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
          LLM_BATCH_CONCURRENT: String(callsPerWorker),
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let seen = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stderr?.on("data", () => {
        if (seen.includes("worker started")) resolve();
      });
      void exited.then(() =>
        reject(new Error(`worker exited early (${child.exitCode}): ${seen.slice(-500)}`)),
      );
    });
    /** The provider gate's slot counts from the worker's last log line ("worker stopped"). */
    const gateStats = async (): Promise<GateStats> => {
      await exited;
      const line = seen.split("\n").find((l) => l.includes('"worker stopped"'));
      const parsed = line ? (JSON.parse(line) as { providerGate?: GateStats }) : {};
      return parsed.providerGate ?? { slotsReserved: 0, fullSecondWaits: 0 };
    };
    return { child, ready, exited, gateStats };
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
    gateShare: Number(process.env.BENCH_GATE_SHARE ?? 0.95),
  });
  console.table(results);
}
