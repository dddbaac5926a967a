// Load check for the HTTP API (issue 5): GET /api/llm/stats on 100k animals under 100
// concurrent clients, on PostgreSQL. Reports p50/p99 latency and requests/s.
// Called by bench/run-benchmarks.ts (section "api"); also runs alone:
//   tsx bench/api-stats-load.ts [--animals N] [--clients N] [--requests N]
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { openServices } from "../src/composition-root.js";
import { loadConfig } from "../src/config.js";
import { migrate } from "../src/db/migrate.js";
import { openPgDatabase } from "../src/db/pg-database.js";
import { buildApp } from "../src/http/build-app.js";
import { createLogger } from "../src/logger.js";
import { adminQuery, benchAdminUrl, databaseUrlFor, percentile } from "./bench-support.js";

export interface StatsLoadOptions {
  /** A PostgreSQL URL whose user may create databases. */
  readonly adminUrl: string;
  readonly animals?: number;
  readonly clients?: number;
  /** Requests per scenario, spread over the clients. */
  readonly requests?: number;
}

export interface LoadResult {
  readonly scenario: string;
  readonly requests: number;
  readonly errors: number;
  readonly wallMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly requestsPerSecond: number;
}

const DATABASE = "rescue_llm_bench_api";
const ORGANIZATIONS = 20;

/** `animals` rows over ORGANIZATIONS organizations, with a realistic share already enriched. */
async function seed(url: string, animals: number): Promise<void> {
  const db = await openPgDatabase(url);
  try {
    await migrate(db);
    await db.query(
      `INSERT INTO organizations (config_id, name)
       SELECT 'bench-org-' || g, 'Bench org ' || g FROM generate_series(1, $1::int) AS g`,
      [ORGANIZATIONS],
    );
    await db.query(
      `INSERT INTO animals (name, organization_id, external_id, properties,
                            enriched_description, dog_profiler_data, translations)
       SELECT 'Dog ' || g,
              (SELECT id FROM organizations WHERE config_id = 'bench-org-' || (1 + g % $2::int)),
              'bench-' || g,
              jsonb_build_object('description', 'A friendly dog number ' || g),
              CASE WHEN g % 10 < 6 THEN 'Cleaned description ' || g END,
              CASE WHEN g % 10 < 3 THEN jsonb_build_object('tagline', 'Dog ' || g) END,
              CASE WHEN g % 10 < 2 THEN jsonb_build_object('es', 'Perro ' || g) END
         FROM generate_series(1, $1::int) AS g`,
      [animals, ORGANIZATIONS],
    );
    await db.exec("ANALYZE animals; ANALYZE organizations;");
  } finally {
    await db.close();
  }
}

/** `clients` loops sharing one request budget; each waits for its answer before the next. */
async function drive(
  scenario: string,
  urls: readonly string[],
  clients: number,
  requests: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < requests) {
        const url = urls[issued % urls.length]!;
        issued += 1;
        const t0 = performance.now();
        try {
          const response = await fetch(url);
          await response.arrayBuffer();
          if (response.status !== 200) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    scenario,
    requests: latencies.length,
    errors,
    wallMs,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? 0,
    requestsPerSecond: latencies.length / (wallMs / 1000),
  };
}

export async function runStatsLoad(
  options: StatsLoadOptions,
): Promise<{ results: LoadResult[]; animals: number; clients: number }> {
  const animals = options.animals ?? 100_000;
  const clients = options.clients ?? 100;
  const requests = options.requests ?? 5000;
  await adminQuery(options.adminUrl, `DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  await adminQuery(options.adminUrl, `CREATE DATABASE "${DATABASE}"`);
  const url = databaseUrlFor(options.adminUrl, DATABASE);
  try {
    await seed(url, animals);
    const config = loadConfig({
      ...process.env,
      ENVIRONMENT: "test",
      DATABASE_URL: url,
      API_KEYS: "bench-key",
      LOG_LEVEL: "error",
      REDIS_URL: undefined,
    });
    const services = await openServices(config, { logger: createLogger("error") });
    // The limiter would turn most of the load into 429s: it is measured off.
    const app = await buildApp(services, { rateLimit: false });
    // Same app with answers reused only while their query is in flight (1 ms TTL).
    const coalesceOnly = await buildApp(services, { rateLimit: false, statsCacheTtlMs: 1 });
    try {
      const base = await app.listen({ host: "127.0.0.1", port: 0 });
      const coalesceBase = await coalesceOnly.listen({ host: "127.0.0.1", port: 0 });
      // Each scenario first opens its `clients` keep-alive connections and warms the pool,
      // the plan cache and the code paths (untimed): the table is the steady state, not
      // the one-time ramp of 100 new connections.
      const measure = async (scenario: string, urls: readonly string[]) => {
        await drive("warm-up", urls, clients, clients * 2);
        return drive(scenario, urls, clients, requests);
      };
      const results = [
        await measure("GET /api/llm/stats (all animals)", [`${base}/api/llm/stats`]),
        await measure(
          "GET /api/llm/stats (all animals), answers not reused after their query ends",
          [`${coalesceBase}/api/llm/stats`],
        ),
        await measure(
          "GET /api/llm/stats?organization_id=… (20 organizations, by config_id)",
          Array.from(
            { length: ORGANIZATIONS },
            (_, i) => `${base}/api/llm/stats?organization_id=bench-org-${i + 1}`,
          ),
        ),
      ];
      return { results, animals, clients };
    } finally {
      await app.close();
      await coalesceOnly.close();
      await services.close();
    }
  } finally {
    await adminQuery(options.adminUrl, `DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** The section bench/run-benchmarks.ts puts into bench/RESULTS.md. */
export async function benchmarkStatsLoad(options: StatsLoadOptions): Promise<string[]> {
  const { results, animals, clients } = await runStatsLoad(options);
  return [
    "## HTTP API load (PostgreSQL)",
    "",
    `${animals.toLocaleString("en")} animals, ${clients} concurrent clients (each sends its next request when the last is answered), keep-alive, rate limiter off, each scenario after an untimed warm-up of ${clients * 2} requests that opens its connections, client and server in one process (they share the CPU). Pool: 10 connections. Identical stats requests share one query while it runs and its answer for 1 s (\`statsCacheTtlMs\`); the second row keeps only the sharing of queries in flight.`,
    "",
    "| scenario | requests | errors | p50 (ms) | p99 (ms) | max (ms) | requests/s |",
    "|---|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.scenario} | ${r.requests} | ${r.errors} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.maxMs)} | ${fmt(r.requestsPerSecond, 0)} |`,
    ),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      animals: { type: "string", default: "100000" },
      clients: { type: "string", default: "100" },
      requests: { type: "string", default: "5000" },
    },
  });
  const adminUrl = benchAdminUrl();
  const lines = await benchmarkStatsLoad({
    adminUrl,
    animals: Number(values.animals),
    clients: Number(values.clients),
    requests: Number(values.requests),
  });
  process.stdout.write(`${lines.join("\n")}\n`);
}
