// `npm run bench`: the committed benchmark harness. Runs every strategy side by side in one
// invocation against the fake OpenRouter (a real HTTP server) and real PostgreSQL, and writes
// bench/RESULTS.md. Options: --items N (pipeline, default 2000), --sequential-items N,
// --fixed-items N, --rate-limited-items N, --memory-items N, --cost-dogs N, --overhead-items N,
// --overhead-repeats N, --short-latency-items N,M (one run per size),
// --only a,b (sections: strategies, rate-limited, memory, api, workers, review, cost,
// batch-kill, short-latency, crash-soak, own-overhead).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { migrate } from "../src/db/migrate.js";
import { openPgDatabase } from "../src/db/pg-database.js";
import { importListings } from "../src/listings/import-listings.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouterOptions,
} from "../src/testing/fake-openrouter/fake-openrouter-server.js";
import { adminQuery, benchAdminUrl, databaseUrlFor } from "./bench-support.js";
import type { Strategy, StrategyResult } from "./strategy-runner.js";
import { sharedDataFile } from "../src/testing/shared-data.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SHARED = sharedDataFile("listings.jsonl");
const CONCURRENCY = 10;
const LATENCY = { medianMs: 800, sigma: 0.6 } as const;
const FAILURE_RATE = 0.02;
/** Mean of the log-normal latency: median × e^(σ²/2). */
const NOMINAL_MEAN_MS = LATENCY.medianMs * Math.exp((LATENCY.sigma * LATENCY.sigma) / 2);

const { values: args } = parseArgs({
  options: {
    items: { type: "string", default: "2000" },
    "sequential-items": { type: "string", default: "100" },
    "fixed-items": { type: "string", default: "400" },
    "rate-limited-items": { type: "string", default: "400" },
    "rate-limit-rps": { type: "string", default: "5" },
    "memory-items": { type: "string", default: "100000" },
    "review-animals": { type: "string", default: "100000" },
    "cost-dogs": { type: "string", default: "200" },
    "batch-kill-items": { type: "string", default: "2000" },
    "short-latency-items": { type: "string", default: "600,2000" },
    "crash-items": { type: "string", default: "800" },
    "crash-kills": { type: "string", default: "20" },
    "overhead-items": { type: "string", default: "2000" },
    "overhead-repeats": { type: "string", default: "3" },
    "workers-gate-share": { type: "string", default: "0.95" },
    only: { type: "string" },
    "heap-mb": { type: "string" },
  },
});
const sections = new Set(
  (
    args.only ??
    "strategies,rate-limited,memory,api,workers,review,cost,batch-kill,short-latency,crash-soak,own-overhead"
  ).split(","),
);
const adminUrl = benchAdminUrl();
const work = mkdtempSync(join(tmpdir(), "rescue-llm-bench-"));
/** Extra node flags for the strategy processes, e.g. --heap-mb 128 → --max-old-space-size=128. */
const NODE_FLAGS = args["heap-mb"] ? [`--max-old-space-size=${args["heap-mb"]}`] : [];
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.bench.json"], {
  cwd: ROOT,
  stdio: "inherit",
});

const databaseUrl = (name: string): string => databaseUrlFor(adminUrl, name);
const admin = (sql: string): Promise<void> => adminQuery(adminUrl, sql);

/** A migrated database holding `count` listings (real ones, cycled with new ids past the file). */
async function prepareTemplate(name: string, count: number): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  const lines = readFileSync(SHARED, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const file = join(work, `${name}.jsonl`);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const listing = JSON.parse(lines[i % lines.length]!) as Record<string, unknown>;
    if (i >= lines.length) {
      // Past the real file: same text plus a distinct sentence, so every input is unique.
      listing.external_id = `${String(listing.external_id)}-copy-${i}`;
      listing.description = `${String(listing.description)} Listing number ${i}.`;
    }
    out.push(JSON.stringify(listing));
  }
  writeFileSync(file, out.join("\n") + "\n");
  const db = await openPgDatabase(databaseUrl(name));
  await migrate(db);
  await importListings(
    { db },
    { filePath: file, organization: "bench-rescue", createOrganizations: true },
  );
  await db.close();
}

async function runStrategy(
  template: string,
  strategy: Strategy,
  items: number,
  fakeOptions: FakeOpenRouterOptions,
  env: Record<string, string> = {},
  nodeFlags: readonly string[] = NODE_FLAGS,
  hooks: {
    /** Runs on the run's fresh database before the run. */
    readonly before?: (url: string) => Promise<void>;
    /** Runs on the run's database after the run, before it is dropped. */
    readonly after?: (url: string) => Promise<void>;
  } = {},
): Promise<StrategyResult & StartIncluded & { rateLimited: number; completions: number }> {
  const name = `${template}_${strategy.replace("-", "_")}`;
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  await hooks.before?.(databaseUrl(name));
  const fake = await startFakeOpenRouter(fakeOptions);
  try {
    // Epoch ms from the wall clock, which the runner's start and end are on (its fresh
    // performance.timeOrigin). Not this process's timeOrigin + performance.now(), which can
    // drift from the wall clock over an hour-long bench if the system clock is adjusted: a full
    // run on 2026-12-04 read every process start after its first ~6 s too long while fresh
    // invocations read 0.6-1.0 s (the cause was not reproduced).
    const spawnedAtMs = Date.now();
    const output = await new Promise<string>((resolve, reject) => {
      // Compiled JavaScript, as users run the CLI (`dist/`), so RSS is not tsx's.
      const child = spawn(
        process.execPath,
        [...nodeFlags, ".bench-build/bench/strategy-runner.js", strategy, String(items)],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            ...(process.env.BENCH_NODE_OPTIONS !== undefined && {
              NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS,
            }),
            ...(process.env.BENCH_TRACE_MEMORY !== undefined && { BENCH_TRACE_MEMORY: "1" }),
            ...(process.env.BENCH_TRACE_DB !== undefined && { BENCH_TRACE_DB: "1" }),
            ENVIRONMENT: "production",
            LOG_LEVEL: "error",
            DATABASE_URL: databaseUrl(name),
            LLM_BASE_URL: fake.baseUrl,
            OPENROUTER_API_KEY: "sk-or-bench",
            LLM_BATCH_CONCURRENT: String(CONCURRENCY),
            ...env,
          },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let stdout = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.on("exit", (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`${strategy} exited ${code}`)),
      );
    });
    const result = JSON.parse(output.trim().split("\n").pop()!) as StrategyResult;
    await hooks.after?.(databaseUrl(name));
    return {
      ...result,
      startMs: result.runStartedAtMs - spawnedAtMs,
      wallWithStartMs: result.runEndedAtMs - spawnedAtMs,
      rateLimited: fake.stats.rateLimited,
      completions: fake.stats.completions,
    };
  } finally {
    await fake.close();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

interface StartIncluded {
  /** From spawning the process to its run's start: loading modules, connecting, migrations check. */
  readonly startMs: number;
  /** From spawning the process to its run's last commit. */
  readonly wallWithStartMs: number;
}

const throughput = (r: StrategyResult) => r.items / (r.wallMs / 1000);
const throughputWithStart = (r: StartIncluded & { items: number }) =>
  r.items / (r.wallWithStartMs / 1000);
const fmt = (n: number, digits = 2) => n.toFixed(digits);

const report: string[] = [];
const started = new Date();
report.push("# Benchmark results", "");
report.push(
  `- date of the last run: ${started.toISOString()} (each section says when it was measured)`,
);
report.push(
  `- machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, PostgreSQL ${/\(PostgreSQL\) (\S+)/.exec(execFileSync("psql", ["--version"]).toString())?.[1] ?? "?"}`,
);
report.push(
  `- command: \`npm run bench -- ${process.argv.slice(2).join(" ")}\``.replace(" -- `", "`"),
);
report.push(
  `- provider: the fake OpenRouter (real HTTP on loopback), log-normal latency median ${LATENCY.medianMs} ms, ` +
    `sigma ${LATENCY.sigma}, ${FAILURE_RATE * 100}% transient errors (502/503/529); processing type description_cleaning`,
);
report.push("");

if (sections.has("strategies")) {
  const template = "rescue_llm_bench_listings";
  const items = Number(args.items);
  await prepareTemplate(template, items);
  const fake: FakeOpenRouterOptions = { latency: LATENCY, failureRate: FAILURE_RATE, seed: 7 };
  const results = [
    await runStrategy(template, "sequential", Number(args["sequential-items"]), fake),
    await runStrategy(template, "fixed-batches", Number(args["fixed-items"]), fake),
    await runStrategy(template, "pipeline", items, fake),
  ];
  const [sequential, fixed, ours] = results as [
    (typeof results)[0],
    (typeof results)[0],
    (typeof results)[0],
  ];
  const uniqueInputs = await (async () => {
    const db = await openPgDatabase(databaseUrl(template));
    const rows = await db.query<{ n: number }>(
      `SELECT count(DISTINCT (name, breed, age_text, sex, size, language, properties->>'description'))::int AS n
       FROM (SELECT * FROM animals ORDER BY id LIMIT $1) a`,
      [items],
    );
    await db.close();
    return rows[0]!.n;
  })();
  report.push("## Strategies (same processing, same writes; only scheduling differs)", "");
  report.push(
    "| strategy | items | throughput (items/s) | efficiency | process start (s) | efficiency, process start included | LLM calls | cache hits | 429s | failed | DB share of wall | peak RSS (MB) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const r of results) {
    const concurrency =
      r.strategy === "sequential" ? 1 : r.strategy === "fixed-batches" ? 5 : CONCURRENCY;
    const ideal = concurrency / (r.meanLatencyMs / 1000);
    report.push(
      `| ${r.strategy} | ${r.items} | ${fmt(throughput(r))} | ${fmt(throughput(r) / ideal)} | ${fmt(r.startMs / 1000, 2)} | ${fmt(throughputWithStart(r) / ideal)} | ${r.llmCalls} | ${r.cacheHits} | ${r.rateLimited} | ${r.failed} | ${fmt((r.dbBusyMs / r.wallMs) * 100, 1)}% | ${fmt(r.peakRssMb, 0)} |`,
    );
  }
  report.push("");
  report.push(
    `- efficiency = throughput / (concurrency / mean latency); concurrency 1, 5 and ${CONCURRENCY}; mean latency ` +
      `is the client-measured mean of successful calls in that run (${results.map((r) => `${r.strategy} ${fmt(r.meanLatencyMs, 0)} ms`).join(", ")}). ` +
      "Throughput counts from the run's start to its last commit; with process start included, from spawning the process (node, module loading, connecting) instead.",
  );
  report.push(
    `- ours vs fixed batches: **${fmt(throughput(ours) / throughput(fixed))}x**; ours vs sequential: **${fmt(throughput(ours) / throughput(sequential))}x**.`,
  );
  report.push(
    `- LLM calls vs unique inputs (pipeline, ${items} listings): ${ours.llmCalls} calls for ${uniqueInputs} unique inputs ` +
      `(calls above unique inputs are guard re-asks and retries after transient errors that exhausted a call).`,
  );
  report.push(`- rerun of the finished pipeline job: ${ours.rerunCalls ?? "n/a"} LLM calls.`);
  report.push(
    "- sequential and fixed batches run on the first N listings only (their per-item rate is steady; the full 2,000 would take half an hour sequentially).",
    "",
  );
  await admin(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
}

if (sections.has("rate-limited")) {
  const template = "rescue_llm_bench_ratelimit";
  const items = Number(args["rate-limited-items"]);
  const rps = Number(args["rate-limit-rps"]);
  await prepareTemplate(template, items);
  const r = await runStrategy(template, "pipeline", items, {
    latency: LATENCY,
    failureRate: FAILURE_RATE,
    seed: 11,
    rateLimit: { requestsPerSecond: rps },
  });
  // Calls per second the provider accepted, against its limit.
  const accepted = (r.completions - r.rateLimited) / (r.wallMs / 1000);
  report.push("## Rate-limited provider", "");
  report.push(
    // The distribution's own mean: the run's measured latency includes the gate's pacing.
    `Provider limit ${rps} requests/s, below what concurrency ${CONCURRENCY} at the mean latency of ${fmt(NOMINAL_MEAN_MS, 0)} ms could use (${fmt(CONCURRENCY / (NOMINAL_MEAN_MS / 1000), 1)}/s).`,
    "",
  );
  report.push(
    "| items | wall (s) | accepted requests/s | share of limit | 429s seen | items failed | succeeded |",
    "|---|---|---|---|---|---|---|",
  );
  report.push(
    `| ${items} | ${fmt(r.wallMs / 1000, 1)} | ${fmt(accepted)} | ${fmt(accepted / rps)} | ${r.rateLimited} | ${r.failed} | ${r.succeeded} |`,
    "",
  );
  await admin(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
}

if (sections.has("memory")) {
  const template = "rescue_llm_bench_memory";
  const items = Number(args["memory-items"]);
  await prepareTemplate(template, items);
  // Twice: as the CLI ships (preferSmallHeap), and with V8's default heap sizing.
  const runs = [
    { label: "as shipped (--optimize-for-size set at start)", env: {} },
    { label: "V8 default heap sizing", env: { BENCH_V8_DEFAULT_HEAP: "1" } },
  ];
  report.push("## Memory with many candidates (PostgreSQL)", "");
  report.push(
    "| candidates | heap sizing | processed | wall (s) | throughput (items/s) | peak RSS (MB) |",
    "|---|---|---|---|---|---|",
  );
  for (const run of runs) {
    const name = `${template}_run`;
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    const r = await runStrategy(
      template,
      "pipeline",
      items,
      { latency: 2, seed: 13 },
      { LLM_BATCH_CONCURRENT: "20", ...run.env },
    );
    report.push(
      `| ${items} | ${run.label} | ${r.succeeded + r.failed} | ${fmt(r.wallMs / 1000, 1)} | ${fmt(throughput(r))} | ${fmt(r.peakRssMb, 0)} |`,
    );
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
  report.push(
    "",
    "- fake latency 2 ms and concurrency 20 here, so the run is bound by our own CPU and database work, not by waiting: it measures what the pipeline keeps in memory, not LLM time.",
    "- the live heap stays near 70 MB at any table size (candidates are streamed by keyset pages); left to its defaults V8 grows the heap lazily while memory is plentiful (second row), so the CLI asks it to stay small (src/cli/small-heap.ts) without a hard cap.",
    "",
  );
  await admin(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
}

if (sections.has("api")) {
  const { benchmarkStatsLoad } = await import("./api-stats-load.js");
  report.push(...(await benchmarkStatsLoad({ adminUrl })), "");
}

if (sections.has("workers")) {
  const { measureWorkersThroughput } = await import("./workers-throughput.js");
  const name = "rescue_llm_bench_workers";
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  const rps = 20;
  const results = await measureWorkersThroughput({
    databaseUrl: databaseUrl(name),
    redisUrl: process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    providerRps: rps,
    gateShare: Number(args["workers-gate-share"]),
  });
  const share = Number(args["workers-gate-share"]);
  report.push("## Distributed workers against a provider limit", "");
  report.push(
    `Provider limit ${rps} requests/s: the fake answers 429 to a request that finds ${rps} others in the second since its window opened. The workers share ${Math.round(share * 100)}% of it through Redis (\`--workers-gate-share\`; a gate at exactly the limit leaves nothing for the arrival jitter between our send and the provider's clock). Each worker runs 2 chunks' worth of calls (\`--concurrency 2\` × LLM_BATCH_CONCURRENT 10) and one chunk ahead; log-normal latency as above; 300 listings, 25 per chunk.`,
    "",
    `**Share of limit** is the accepted requests per second while there is work to send — from the provider's first request to its last — divided by the provider's configured limit (not by the workers' ${Math.round(share * 100)}% budget). Before the first request the job is being picked up (BullMQ hands out chunks, each run registers and claims): that time is shown as "first request after"; after the last request only answers are awaited. "Items/s (wall)" counts everything from enqueueing to the job's end. The concurrency bound is what the workers' own calls in flight allow (chunks × calls / mean latency); one worker is limited by it and by its chunk boundaries, not by the gate. "Full-second waits": sends the gate held back because the last second already had its share. CPU: each worker's share of one core, this process (the fake and the bench loop), and busy cores of the whole 2-core machine, other users included (near 2.0 means everyone was starved of CPU).`,
    "",
  );
  report.push(
    "| worker processes | items | wall (s) | items/s (wall) | first request after (s) | sending (s) | accepted requests/s | share of limit | concurrency bound (req/s) | LLM calls | 429s | items failed | most requests in any 1 s | full-second waits | CPU per worker (cores) | CPU fake+bench (cores) | machine busy (of 2 cores) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const r of results) {
    report.push(
      `| ${r.workers} | ${r.items} | ${r.wallSeconds} | ${r.itemsPerSecond} | ${r.firstRequestAfterSeconds} | ${r.sendingSeconds} | ${r.acceptedPerSecond} | **${r.acceptedShareOfLimit}** | ${r.concurrencyBoundPerSecond} | ${r.llmCalls} | ${r.rateLimited} | ${r.itemsFailed} | ${r.maxRequestsInOneSecond} | ${r.fullSecondWaits} | ${r.workerCpuShare} | ${r.benchCpuShare} | ${r.machineBusyCores} |`,
    );
  }
  report.push("");
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

if (sections.has("short-latency")) {
  // Where our own CPU per item shows: at short latency the bound C / mean latency is high.
  // Each size is a run of its own, from spawning the process (a short run pays its start too).
  const template = "rescue_llm_bench_short";
  const sizes = args["short-latency-items"].split(",").map(Number);
  const latency = { medianMs: 300, sigma: 0.6 };
  const nominalMeanMs = latency.medianMs * Math.exp((latency.sigma * latency.sigma) / 2);
  await prepareTemplate(template, Math.max(...sizes));
  report.push("## Short latency (median 300 ms)", "");
  report.push(
    `Log-normal latency median ${latency.medianMs} ms, sigma ${latency.sigma} (mean ${fmt(nominalMeanMs, 0)} ms), ${FAILURE_RATE * 100}% transient errors, concurrency ${CONCURRENCY}, PostgreSQL; the bound is C / mean latency of the run's successful calls (a call's latency spans its retries). Wall and efficiency with process start run from spawning the process to the run's last commit; without it, from the run's start.`,
    "",
  );
  report.push(
    "| items | process start (s) | wall with start (s) | throughput with start (items/s) | bound C / mean latency (items/s) | efficiency, process start included | efficiency, run only | LLM calls | failed | peak RSS (MB) |",
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const items of sizes) {
    const r = await runStrategy(template, "pipeline", items, {
      latency,
      failureRate: FAILURE_RATE,
      seed: 17,
    });
    const bound = CONCURRENCY / (r.meanLatencyMs / 1000);
    report.push(
      `| ${r.items} | ${fmt(r.startMs / 1000, 2)} | ${fmt(r.wallWithStartMs / 1000, 1)} | ${fmt(throughputWithStart(r))} | ${fmt(bound)} (mean ${fmt(r.meanLatencyMs, 0)} ms) | **${fmt(throughputWithStart(r) / bound)}** | ${fmt(throughput(r) / bound)} | ${r.llmCalls} | ${r.failed} | ${fmt(r.peakRssMb, 0)} |`,
    );
  }
  report.push("");
  await admin(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
}

if (sections.has("own-overhead")) {
  // Our own CPU per item, without waiting: an instant provider and a warm llm_cache. The cold
  // run fills the cache; each warm run is a fresh database of the same listings (no results
  // yet) sharing that cache, as a second environment or a lost results table would be. Every
  // item is claimed, looked up, written, and its call logged, as in any run. Warm runs are
  // repeated (median shown): on a shared host their wall time varies with the load.
  const template = "rescue_llm_bench_overhead";
  const items = Number(args["overhead-items"]);
  const repeats = Number(args["overhead-repeats"]);
  await prepareTemplate(template, items);
  const instant: FakeOpenRouterOptions = { latency: 0, seed: 19 };
  let cache: unknown[][] = [];
  const cold = await runStrategy(template, "pipeline", items, instant, {}, NODE_FLAGS, {
    after: async (url) => {
      const db = await openPgDatabase(url);
      const rows = await db.query<Record<string, unknown>>(
        "SELECT cache_key, processing_type, model, response, created_at, expires_at FROM llm_cache",
      );
      cache = rows.map((r) => [
        r.cache_key,
        r.processing_type,
        r.model,
        JSON.stringify(r.response),
        r.created_at,
        r.expires_at,
      ]);
      await db.close();
    },
  });
  const warmRun = (env: Record<string, string>) =>
    runStrategy(template, "pipeline", items, instant, env, NODE_FLAGS, {
      before: async (url) => {
        const db = await openPgDatabase(url);
        await db.query(
          `INSERT INTO llm_cache (cache_key, processing_type, model, response, created_at, expires_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::timestamptz[])`,
          [0, 1, 2, 3, 4, 5].map((i) => cache.map((row) => row[i])),
        );
        await db.close();
      },
    });
  // Alternating, so that a change in the host's load touches every variant alike.
  const shipped: StrategyResult[] = [];
  const defaultHeap: StrategyResult[] = [];
  const unprepared: StrategyResult[] = [];
  for (let i = 0; i < repeats; i++) {
    shipped.push(await warmRun({}));
    defaultHeap.push(await warmRun({ BENCH_V8_DEFAULT_HEAP: "1" }));
    unprepared.push(await warmRun({ BENCH_UNPREPARED: "1" }));
  }
  const median = (runs: StrategyResult[]) =>
    [...runs].sort((x, y) => throughput(x) - throughput(y))[Math.floor(runs.length / 2)]!;
  const range = (runs: StrategyResult[]) =>
    `${fmt(Math.min(...runs.map(throughput)), 0)}–${fmt(Math.max(...runs.map(throughput)), 0)}`;
  report.push("## Own overhead (instant provider, warm cache)", "");
  report.push(
    `${items} listings, \`pipeline\` strategy (runEnrichment, batch size 10, concurrency ${CONCURRENCY}, PostgreSQL, compiled); the fake answers at once. Cold: an empty llm_cache. Warm: a fresh database of the same listings whose llm_cache holds the cold run's answers (median of ${repeats} runs per variant, alternating; the range of their throughput beside it). "Unprepared": as shipped, but every statement parsed and planned anew, as before the pipeline's statements were prepared. Items/s and CPU from the run's start to its last commit, process start excluded; CPU is the runner process's user + system time; PostgreSQL CPU is that of all the local server's processes over the same span (its backends, WAL writer, checkpointer). Host load average at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.`,
    "",
  );
  report.push(
    "| cache | variant | items | wall (s) | throughput (items/s) | range over runs | CPU ms per item | PostgreSQL CPU ms per item | LLM calls | cache hits | failed | DB share of wall | peak RSS (MB) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  );
  const rows: [string, string, StrategyResult, string][] = [
    ["cold", "as shipped (--optimize-for-size)", cold, "1 run"],
    ["warm", "as shipped (--optimize-for-size)", median(shipped), range(shipped)],
    ["warm", "V8 default heap sizing", median(defaultHeap), range(defaultHeap)],
    ["warm", "unprepared statements", median(unprepared), range(unprepared)],
  ];
  for (const [label, heap, r, spread] of rows) {
    report.push(
      `| ${label} | ${heap} | ${r.items} | ${fmt(r.wallMs / 1000, 2)} | ${fmt(throughput(r), 0)} | ${spread} | ${fmt(r.cpuMs / r.items, 2)} | ${fmt(r.postgresCpuMs / r.items, 2)} | ${r.llmCalls} | ${r.cacheHits} | ${r.failed} | ${fmt((r.dbBusyMs / r.wallMs) * 100, 1)}% | ${fmt(r.peakRssMb, 0)} |`,
    );
  }
  report.push(
    "",
    `- target (issue 15): at least 1,000 items/s per process with an instant provider and a warm cache: ${throughput(median(shipped)) >= 1000 ? "holds" : "**does not hold** in this run"} (as shipped, median ${fmt(throughput(median(shipped)), 0)} items/s).`,
    `- the warm run's own CPU is ${fmt(median(shipped).cpuMs / items, 2)} ms per item (a bound of ${fmt(1000 / (median(shipped).cpuMs / items), 0)} items/s); the rest of its wall time waits for PostgreSQL (result transactions of 10 rows, claims and cache reads), which used ${fmt(median(shipped).postgresCpuMs / items, 2)} CPU ms per item on the same ${cpus().length} cores.`,
    "",
  );
  await admin(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
}

if (sections.has("crash-soak")) {
  const { runCrashSoak, crashSoakReport } = await import("./crash-soak.js");
  const template = "rescue_llm_bench_crash";
  const items = Number(args["crash-items"]);
  await prepareTemplate(template, items);
  const result = await runCrashSoak({
    databaseUrl: databaseUrl(template),
    items,
    kills: Number(args["crash-kills"]),
    concurrency: CONCURRENCY,
  });
  report.push(...crashSoakReport(result));
  await admin(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
}

if (sections.has("review")) {
  const { benchmarkReviewQueue } = await import("./review-queue-load.js");
  report.push(
    ...(await benchmarkReviewQueue({ adminUrl, animals: Number(args["review-animals"]) })),
    "",
  );
}

if (sections.has("cost")) {
  const { benchmarkCostPerDog } = await import("./cost-per-dog.js");
  report.push(
    ...(await benchmarkCostPerDog({
      adminUrl,
      databaseUrl,
      admin,
      work,
      dogs: Number(args["cost-dogs"]),
      files: [
        { label: "listings.jsonl", path: SHARED },
        {
          label: "listings-eval.jsonl",
          path: sharedDataFile("listings-eval.jsonl"),
        },
      ],
    })),
  );
}

if (sections.has("batch-kill")) {
  // `enrich-descriptions --batch-api` as users run it (tsx, real process, PostgreSQL), killed
  // with -9 while waiting for its batch, then started again.
  const items = Number(args["batch-kill-items"]);
  const name = "rescue_llm_bench_batch_kill";
  await prepareTemplate(name, items);
  const fake = await startFakeOpenRouter({ batch: { turnaroundMs: 20_000 } });
  const env = {
    PATH: process.env.PATH,
    ENVIRONMENT: "production",
    LOG_LEVEL: "error",
    DATABASE_URL: databaseUrl(name),
    LLM_BASE_URL: fake.baseUrl,
    OPENROUTER_API_KEY: "sk-or-bench",
    LLM_DEFAULT_MODEL: "openai/gpt-4o-mini",
    LLM_BATCH_API_POLL_SECONDS: "0.5",
  };
  const cli = () =>
    spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "enrich-descriptions", "--batch-api", "--json"],
      { cwd: ROOT, env, stdio: ["ignore", "pipe", "ignore"] },
    );
  const t0 = performance.now();
  const first = cli();
  const firstExit = new Promise((resolve) => first.on("exit", resolve));
  while (fake.stats.batchesCreated < 1) await new Promise((r) => setTimeout(r, 100));
  const polls = fake.stats.batchCalls;
  while (fake.stats.batchCalls < polls + 2) await new Promise((r) => setTimeout(r, 100));
  const killedAfterMs = performance.now() - t0;
  first.kill("SIGKILL");
  await firstExit;
  const second = cli();
  let out = "";
  second.stdout.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => second.on("exit", resolve));
  const wallMs = performance.now() - t0;
  // The same custom_id (animal, type, language, attempt) in two batches would be a request paid twice.
  const snapshots = await fake.batches.list();
  const customIds = snapshots.flatMap((b) => b.customIds);
  const twice = customIds.length - new Set(customIds).size;
  const summary = JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
  report.push("## Batch run killed with -9 while waiting (batch-kill)", "");
  report.push(
    `${items} listings, \`enrich-descriptions --batch-api\` in a real process on PostgreSQL against the fake's Batch API (20 s turnaround, polled every 0.5 s); killed with SIGKILL once its batch was submitted and polled, then started again.`,
    "",
    "| items | killed after (s) | restart exit | succeeded | batches submitted | requests submitted (cache hits need none) | requests submitted twice | sync calls | wall (s) |",
    "|---|---|---|---|---|---|---|---|---|",
    `| ${items} | ${fmt(killedAfterMs / 1000, 1)} | ${code} | ${String(summary.succeeded)} | ${fake.stats.batchSubmissions} | ${fake.stats.batchRequests} | ${twice} | ${fake.stats.completions} | ${fmt(wallMs / 1000, 1)} |`,
    "",
  );
  await fake.close();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

const resultsFile = fileURLToPath(new URL("./RESULTS.md", import.meta.url));
const previous = (() => {
  try {
    return readFileSync(resultsFile, "utf8");
  } catch {
    return "";
  }
})();
writeFileSync(resultsFile, mergeSections(previous, report.join("\n"), started) + "\n");
process.stdout.write(report.join("\n") + "\n");

/**
 * RESULTS.md keeps the sections this run did not measure (`--only`), each under its own
 * "measured" line, so one section can be re-measured without re-running the others.
 */
function mergeSections(previousText: string, currentText: string, at: Date): string {
  const split = (text: string) => {
    const parts = text.split(/^(?=## )/m);
    const head = parts[0] ?? "";
    const sections = new Map<string, string>();
    for (const part of parts.slice(1)) {
      sections.set(part.slice(0, part.indexOf("\n")), part.trimEnd());
    }
    return { head, sections };
  };
  const current = split(currentText);
  const old = split(previousText);
  const command = /^- command: (.*)$/m.exec(current.head)?.[1] ?? "";
  const stamp = (section: string) => {
    const nl = section.indexOf("\n");
    const body = section.slice(nl + 1).replace(/^\n?- measured: .*\n/, "");
    return `${section.slice(0, nl)}\n\n- measured: ${at.toISOString()} with ${command}\n${body.startsWith("\n") ? body : `\n${body}`}`;
  };
  const out = [current.head.trimEnd(), ""];
  for (const [title, section] of old.sections) {
    const fresh = current.sections.get(title);
    out.push(fresh !== undefined ? stamp(fresh) : section, "");
  }
  for (const [title, section] of current.sections) {
    if (!old.sections.has(title)) out.push(stamp(section), "");
  }
  return out.join("\n").trimEnd();
}
