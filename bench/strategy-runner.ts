// One benchmark strategy in its own process, so its peak RSS is its own.
// Usage: tsx bench/strategy-runner.ts <sequential|fixed-batches|pipeline> <items>
// Environment: DATABASE_URL (a database with the listings imported), LLM_BASE_URL, and the
// usual configuration. Prints one JSON line with the measurements.
import { openServices } from "../src/composition-root.js";
import { loadConfig } from "../src/config.js";
import { openPgDatabase } from "../src/db/pg-database.js";
import {
  candidateFilter,
  resolveRunRequest,
} from "../src/enrichment/pipeline/resolve-run-request.js";
import { runEnrichment } from "../src/enrichment/pipeline/run-enrichment.js";
import { processWorkItem } from "../src/enrichment/pipeline/process-work-item.js";
import { descriptionCleaningType } from "../src/enrichment/processing-types/description-cleaning-type.js";
import type { WorkItem } from "../src/enrichment/pipeline/enrichment-store.js";
import { createLogger } from "../src/logger.js";
import { preferSmallHeap } from "../src/cli/small-heap.js";
import { timeDatabase } from "./timed-database.js";
import { commandCpuSeconds } from "./process-cpu.js";
import { getHeapSpaceStatistics } from "node:v8";

export type Strategy = "sequential" | "fixed-batches" | "pipeline";

export interface StrategyResult {
  strategy: Strategy;
  items: number;
  succeeded: number;
  failed: number;
  wallMs: number;
  /** When the run began (services open) and ended (its last commit), epoch ms, to the process's start. */
  runStartedAtMs: number;
  runEndedAtMs: number;
  /** CPU time of this process (user + system) during the run, in milliseconds. */
  cpuMs: number;
  dbBusyMs: number;
  /** CPU time of the local PostgreSQL server's processes during the run (all of them), ms. */
  postgresCpuMs: number;
  llmCalls: number;
  cacheHits: number;
  costUsd: number;
  peakRssMb: number;
  /** Mean latency of successful calls as the client saw them (llm_processing_logs). */
  meanLatencyMs: number;
  rerunCalls?: number;
}

const strategy = process.argv[2] as Strategy;
const items = Number(process.argv[3]);
const FIXED_BATCH = 5;

// As the CLI does (src/cli/main.ts); BENCH_V8_DEFAULT_HEAP=1 measures V8's own sizing instead.
if (!process.env.BENCH_V8_DEFAULT_HEAP) preferSmallHeap();
const config = loadConfig(process.env);
// BENCH_UNPREPARED=1: every statement parsed and planned anew, to measure what preparing saves.
const db = timeDatabase(
  await openPgDatabase(config.databaseUrl!, { prepareStatements: !process.env.BENCH_UNPREPARED }),
);
const services = await openServices(config, { db, logger: createLogger("error") });
const type = descriptionCleaningType;
// Read before the clock starts: the /proc scan takes ~15 ms of its own.
const postgresCpuAtStart = commandCpuSeconds("postgres");
const started = performance.now();
const cpuAtStart = process.cpuUsage();
/** BENCH_TRACE_MEMORY=1: where the resident memory is (V8 spaces vs the rest), every 10 s and at the end. */
function traceMemory(): void {
  const m = process.memoryUsage();
  const spaces = getHeapSpaceStatistics()
    .map((s) => `${s.space_name.replace("_space", "")} ${(s.space_size / 1e6).toFixed(0)}`)
    .join(" ");
  process.stderr.write(
    `memory MB: rss ${(m.rss / 1e6).toFixed(0)} heapTotal ${(m.heapTotal / 1e6).toFixed(0)} heapUsed ${(m.heapUsed / 1e6).toFixed(0)} external ${(m.external / 1e6).toFixed(0)} | ${spaces}\n`,
  );
}
if (process.env.BENCH_TRACE_MEMORY) setInterval(traceMemory, 10_000).unref();
let succeeded = 0;
let failed = 0;
let llmCalls = 0;
let cacheHits = 0;
let costUsd = 0;
let rerunCalls: number | undefined;

async function processOne(item: WorkItem) {
  const outcome = await processWorkItem(
    services.pipeline,
    type,
    item,
    new AbortController().signal,
  );
  llmCalls += outcome.llmCalls;
  cacheHits += outcome.cacheHits;
  costUsd += outcome.costUsd;
  if (outcome.write.status === "succeeded") succeeded += 1;
  else failed += 1;
  return outcome;
}

if (strategy === "pipeline") {
  const plan = await resolveRunRequest(services.pipeline, {
    processingType: type.name,
    limit: items,
    batchSize: 10,
  });
  const summary = await runEnrichment(services.pipeline, plan);
  succeeded = summary.succeeded;
  failed = summary.failed;
  llmCalls = summary.llmCalls;
  cacheHits = summary.cacheHits;
  costUsd = summary.costUsd;
} else {
  // The old system's shapes, with our own processing and writes so only the scheduling differs.
  const store = services.pipeline.store;
  const filter = candidateFilter(
    await resolveRunRequest(services.pipeline, { processingType: type.name }),
  );
  const work = await store.claimCandidates(filter, undefined, items, "bench-baseline", 3_600_000);
  if (strategy === "sequential") {
    for (const item of work) {
      const outcome = await processOne(item);
      await store.writeResults(
        type,
        [[outcome.write]],
        outcome.logs.map((l) => ({ ...l, runId: null })),
      );
    }
  } else {
    for (let i = 0; i < work.length; i += FIXED_BATCH) {
      const outcomes = await Promise.all(work.slice(i, i + FIXED_BATCH).map(processOne));
      await store.writeResults(
        type,
        [outcomes.map((o) => o.write)],
        outcomes.flatMap((o) => o.logs.map((l) => ({ ...l, runId: null }))),
      );
    }
  }
}
const ended = performance.now();
const wallMs = ended - started;
const cpu = process.cpuUsage(cpuAtStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
const postgresCpuMs = (commandCpuSeconds("postgres") - postgresCpuAtStart) * 1000;
if (process.env.BENCH_TRACE_MEMORY) traceMemory();
const dbBusyMs = db.busyMs;

if (strategy === "pipeline") {
  const rerun = await runEnrichment(
    services.pipeline,
    await resolveRunRequest(services.pipeline, { processingType: type.name, limit: items }),
  );
  rerunCalls = rerun.llmCalls;
}
const latency = await db.query<{ mean: number }>(
  "SELECT coalesce(avg(latency_ms), 0)::float8 AS mean FROM llm_processing_logs WHERE status = 'succeeded'",
);
await services.close();
await db.close();

const result: StrategyResult = {
  strategy,
  items,
  succeeded,
  failed,
  wallMs,
  runStartedAtMs: performance.timeOrigin + started,
  runEndedAtMs: performance.timeOrigin + ended,
  cpuMs,
  dbBusyMs,
  postgresCpuMs,
  llmCalls,
  cacheHits,
  costUsd,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  meanLatencyMs: latency[0]?.mean ?? 0,
  ...(rerunCalls !== undefined && { rerunCalls }),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
