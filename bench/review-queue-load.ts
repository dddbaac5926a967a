// The review queue at scale (issue 16 target: the queue page < 100 ms p95 with 100,000
// animals on PostgreSQL): seeds animals with enrichment items, versions and review states,
// then times the queue page (signed in, real HTTP on loopback) and GET /api/llm/review.
// Called by bench/run-benchmarks.ts (section "review"); also runs alone:
//   tsx bench/review-queue-load.ts [--animals N] [--requests N] [--clients N]
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { openServices } from "../src/composition-root.js";
import { loadConfig } from "../src/config.js";
import { migrate } from "../src/db/migrate.js";
import { openPgDatabase } from "../src/db/pg-database.js";
import { buildApp } from "../src/http/build-app.js";
import { createLogger } from "../src/logger.js";
import { adminQuery, benchAdminUrl, databaseUrlFor, percentile } from "./bench-support.js";

export interface ReviewLoadOptions {
  readonly adminUrl: string;
  readonly animals?: number;
  /** Timed requests per scenario. */
  readonly requests?: number;
  readonly clients?: number;
}

interface Result {
  readonly scenario: string;
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly rows: number;
}

const DATABASE = "rescue_llm_bench_review";
const ORGANIZATIONS = 20;
const KEY = "bench-review-key-0123456789";

/**
 * 4 items per animal (cleaning, profile, translations de and fr), each with a version; review
 * states spread as a busy shelter network would have them.
 */
export async function seed(url: string, animals: number): Promise<number> {
  const db = await openPgDatabase(url);
  try {
    await migrate(db);
    await db.query(
      `INSERT INTO organizations (config_id, name)
       SELECT 'bench-org-' || g, 'Bench Rescue ' || g FROM generate_series(1, $1::int) AS g`,
      [ORGANIZATIONS],
    );
    await db.query(
      `INSERT INTO animals (name, organization_id, external_id, breed, age_text, properties)
       SELECT (ARRAY['Bella','Max','Luna','Rocky','Daisy','Charlie','Milo','Nala'])[1 + g % 8] || ' ' || g,
              (SELECT id FROM organizations WHERE config_id = 'bench-org-' || (1 + g % $2::int)),
              'bench-' || g, 'Mixed Breed', (1 + g % 12) || ' years',
              jsonb_build_object('description', 'A friendly dog, number ' || g ||
                '. Loves long walks, is good with children and still learning to walk on a lead. ' ||
                repeat('Calm at home, playful outside. ', 12))
       FROM generate_series(1, $1::int) AS g`,
      [animals, ORGANIZATIONS],
    );
    await db.query(
      `INSERT INTO llm_result_versions (animal_id, processing_type, target_language, origin, value,
                                        source_hash, prompt_version, model, flags)
       SELECT a.id, t.type, t.lang, 'pipeline',
              CASE WHEN t.type = 'dog_profiler'
                   THEN jsonb_build_object('tagline', a.name || ': calm and playful',
                          'bio', repeat('A calm and playful dog. ', 6), 'looking_for', 'A patient home.',
                          'personality_traits', jsonb_build_array('calm', 'playful', 'gentle'),
                          'interests', jsonb_build_array('walks', 'toys'), 'fun_fact', NULL,
                          'good_with_dogs', 'unknown', 'good_with_cats', 'unknown',
                          'good_with_children', 'yes', 'evidence', jsonb_build_array())
                   ELSE to_jsonb('Cleaned or translated text for ' || a.name || '. ' || repeat('Words. ', 60)) END,
              md5(a.id::text || t.type || t.lang) || md5(t.lang || a.id::text), t.type || '@1',
              'openai/gpt-4o-mini',
              CASE WHEN a.id % 11 = 0 THEN '["reasked"]'::jsonb ELSE '[]'::jsonb END
       FROM animals a
       CROSS JOIN (VALUES ('description_cleaning', ''), ('dog_profiler', ''),
                          ('translation', 'de'), ('translation', 'fr')) AS t(type, lang)`,
    );
    await db.query(
      `INSERT INTO llm_enrichments (animal_id, processing_type, target_language, organization_id,
          status, source_hash, prompt_version, model, flags, error, attempts, processed_at,
          candidate_version_id, published_version_id, published_at, review_state, reviewed_by,
          reviewed_at, flagged, stale)
       SELECT v.animal_id, v.processing_type, v.target_language, a.organization_id,
              CASE WHEN (v.id % 29) = 0 THEN 'failed' ELSE 'succeeded' END, v.source_hash,
              v.prompt_version, v.model, '[]'::jsonb,
              CASE WHEN (v.id % 29) = 0 THEN 'the translation is not in the target language' END,
              1, now() - make_interval(mins => (v.id % 5000)::int), v.id,
              CASE WHEN v.id % 10 < 3 THEN v.id END, CASE WHEN v.id % 10 < 3 THEN now() END,
              CASE WHEN v.id % 10 < 3 THEN 'approved' WHEN v.id % 20 = 3 THEN 'rejected' ELSE 'to_review' END,
              CASE WHEN v.id % 10 < 3 OR v.id % 20 = 3 THEN 'alice' END,
              CASE WHEN v.id % 10 < 3 OR v.id % 20 = 3 THEN now() END,
              v.flags <> '[]'::jsonb, v.id % 37 = 0
       FROM llm_result_versions v JOIN animals a ON a.id = v.animal_id`,
    );
    // One statement each: VACUUM cannot run inside the implicit transaction of a script.
    for (const table of [
      "animals",
      "llm_enrichments",
      "llm_result_versions",
      "organizations",
      "llm_review_counts",
    ]) {
      await db.query(`VACUUM ANALYZE ${table}`);
    }
    const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM llm_enrichments");
    return row?.n ?? 0;
  } finally {
    await db.close();
  }
}

async function signIn(base: string): Promise<string> {
  const page = await fetch(`${base}/review/sign-in`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(";")[0]);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  const res = await fetch(`${base}/review/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ _csrf: token, api_key: KEY, next: "/review" }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return [...cookies, ...res.headers.getSetCookie().map((c) => c.split(";")[0])].join("; ");
}

async function drive(
  scenario: string,
  url: string,
  headers: Record<string, string>,
  requests: number,
  clients: number,
  countRows: (body: string) => number,
): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let rows = 0;
  let issued = 0;
  const run = async (n: number, record: boolean) => {
    issued = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (issued < n) {
          issued += 1;
          const t0 = performance.now();
          const res = await fetch(url, { headers });
          const body = await res.text();
          const ms = performance.now() - t0;
          if (!record) continue;
          if (res.status !== 200) errors += 1;
          rows = countRows(body);
          latencies.push(ms);
        }
      }),
    );
  };
  await run(Math.max(10, clients * 2), false); // warm-up: connections, plans, code paths
  await run(requests, true);
  latencies.sort((a, b) => a - b);
  return {
    scenario,
    requests: latencies.length,
    errors,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: latencies.at(-1) ?? 0,
    rows,
  };
}

export async function runReviewLoad(
  options: ReviewLoadOptions,
): Promise<{ results: Result[]; animals: number; items: number; clients: number }> {
  const animals = options.animals ?? 100_000;
  const requests = options.requests ?? 200;
  const clients = options.clients ?? 1;
  await adminQuery(options.adminUrl, `DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  await adminQuery(options.adminUrl, `CREATE DATABASE "${DATABASE}"`);
  const url = databaseUrlFor(options.adminUrl, DATABASE);
  try {
    const items = await seed(url, animals);
    const config = loadConfig({
      ENVIRONMENT: "production",
      DATABASE_URL: url,
      API_KEYS: `bench:${KEY}`,
      LOG_LEVEL: "error",
    });
    const services = await openServices(config, { logger: createLogger("error") });
    const app = await buildApp(services, { rateLimit: false });
    try {
      const base = await app.listen({ host: "127.0.0.1", port: 0 });
      const cookie = await signIn(base);
      const page = { cookie };
      const api = { authorization: `Bearer ${KEY}` };
      const pageRows = (body: string) => body.split("<tr data-row").length - 1;
      const apiRows = (body: string) => (JSON.parse(body) as { items: unknown[] }).items.length;
      const deep = `${Math.floor(animals * 0.9)}:description_cleaning:`;
      const scenarios: [string, string, Record<string, string>, (b: string) => number][] = [
        ["page: to review (default)", "/review", page, pageRows],
        [
          "page: one organization, approved",
          "/review?organization_id=7&state=approved",
          page,
          pageRows,
        ],
        [
          "page: translations (de), flagged",
          "/review?processing_type=translation&language=de&state=flagged",
          page,
          pageRows,
        ],
        ["page: stale", "/review?state=stale", page, pageRows],
        [
          "page: one organization, failed",
          "/review?organization_id=3&state=failed",
          page,
          pageRows,
        ],
        ["page: search by name prefix", "/review?q=luna%201", page, pageRows],
        ["page: search by external id", "/review?q=bench-4242", page, pageRows],
        [
          "page: a page 90% of the way in",
          `/review?after=${encodeURIComponent(deep)}`,
          page,
          pageRows,
        ],
        ["page: a dog", "/review/animals/4242", page, () => 1],
        ["JSON: GET /api/llm/review", "/api/llm/review", api, apiRows],
        [
          "JSON: one organization, profiles",
          "/api/llm/review?organization_id=bench-org-5&processing_type=dog_profiler",
          api,
          apiRows,
        ],
        ["JSON: search", "/api/llm/review?q=max%2012&state=approved", api, apiRows],
      ];
      const results: Result[] = [];
      for (const [scenario, path, headers, rows] of scenarios) {
        results.push(await drive(scenario, `${base}${path}`, headers, requests, clients, rows));
      }
      return { results, animals, items, clients };
    } finally {
      await app.close();
      await services.close();
    }
  } finally {
    await adminQuery(options.adminUrl, `DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** The section bench/run-benchmarks.ts puts into bench/RESULTS.md. */
export async function benchmarkReviewQueue(options: ReviewLoadOptions): Promise<string[]> {
  const { results, animals, items, clients } = await runReviewLoad(options);
  return [
    "## Review queue (PostgreSQL)",
    "",
    `${animals.toLocaleString("en")} animals in ${ORGANIZATIONS} organizations, ${items.toLocaleString("en")} items (cleaning, profile, translations de and fr) each with a version; 30% approved, 5% rejected, 3% failed, 9% flagged, 3% stale. ${clients} client${clients === 1 ? "" : "s"} on loopback, keep-alive, signed in (page) or with a key (JSON), after a warm-up; 50 rows per page plus the counts per state. Target: page p95 < 100 ms.`,
    "",
    "| scenario | requests | errors | rows | p50 (ms) | p95 (ms) | max (ms) |",
    "|---|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.scenario} | ${r.requests} | ${r.errors} | ${r.rows} | ${fmt(r.p50Ms)} | ${fmt(r.p95Ms)} | ${fmt(r.maxMs)} |`,
    ),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      animals: { type: "string", default: "100000" },
      requests: { type: "string", default: "200" },
      clients: { type: "string", default: "1" },
    },
  });
  const adminUrl = benchAdminUrl();
  const lines = await benchmarkReviewQueue({
    adminUrl,
    animals: Number(values.animals),
    requests: Number(values.requests),
    clients: Number(values.clients),
  });
  process.stdout.write(`${lines.join("\n")}\n`);
}
