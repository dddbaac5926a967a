// Crash soak (issue 15): `rescue-llm enrich-descriptions` as a real subprocess (compiled
// dist/, as users run it) killed with -9 at random points of one job, each time rerun at
// once; a last run finishes. Claims name live runs, so no rerun waits for a lease.
// Called by the bench runner (`npm run bench -- --only crash-soak`); also runs alone:
// `npx tsx bench/crash-soak.ts` (BENCH_DATABASE_URL, a database it may fill).
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openPgDatabase } from "../src/db/pg-database.js";
import { sleep } from "../src/sleep.js";
import { createPrng } from "../src/testing/fake-openrouter/latency.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouterOptions,
} from "../src/testing/fake-openrouter/fake-openrouter-server.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

export interface CrashSoakOptions {
  /** A migrated database holding the listings; it is written to. */
  readonly databaseUrl: string;
  readonly items: number;
  readonly kills?: number;
  readonly concurrency?: number;
  readonly latency?: FakeOpenRouterOptions["latency"];
  /** Kill a random time in [min, max] ms after the run first holds claims and calls. */
  readonly killAfterMs?: readonly [number, number];
  readonly seed?: number;
}

export interface CrashSoakResult {
  readonly items: number;
  readonly kills: number;
  /** Kills while the killed run held claims (the others came between its pages). */
  readonly killsMidWork: number;
  readonly concurrency: number;
  /** Items without a finished result (succeeded, failed or skipped) at the end. */
  readonly lost: number;
  /** Items whose result was written more than once. */
  readonly writtenTwice: number;
  readonly failed: number;
  /** Completions the provider answered. */
  readonly llmCalls: number;
  /** Logged calls above the item count: guard re-asks, not kills. */
  readonly reasks: number;
  /** Calls above the item count that were not re-asks: paid for in the killed runs, per kill. */
  readonly lostPerKill: number;
  /** LLM calls above the item count, and the bound for lostCalls: kills × window. */
  readonly extraCalls: number;
  readonly extraCallsBound: number;
  /** held_by_other_runs of the final run's summary (must be 0: dead runs hold nothing). */
  readonly finalHeld: number;
  readonly finalExitCode: number | null;
  readonly wallSeconds: number;
}

export async function runCrashSoak(options: CrashSoakOptions): Promise<CrashSoakResult> {
  const kills = options.kills ?? 20;
  const concurrency = options.concurrency ?? 10;
  const [minMs, maxMs] = options.killAfterMs ?? [0, 2000];
  const random = createPrng(options.seed ?? 15);
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  const fake = await startFakeOpenRouter({
    latency: options.latency ?? { medianMs: 300, sigma: 0.6 },
    seed: options.seed ?? 15,
  });
  const db = await openPgDatabase(options.databaseUrl);
  const started = performance.now();
  const env = {
    PATH: process.env.PATH,
    ENVIRONMENT: "production",
    LOG_LEVEL: "error",
    DATABASE_URL: options.databaseUrl,
    LLM_BASE_URL: fake.baseUrl,
    OPENROUTER_API_KEY: "sk-or-bench",
    LLM_BATCH_CONCURRENT: String(concurrency),
    // Far longer than the soak: only the runs' liveness frees a killed run's claims.
    LLM_CLAIM_LEASE_SECONDS: "3600",
  };
  const run = (argv: string[]) => {
    const child = spawn(process.execPath, ["dist/cli/main.js", ...argv], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const done = new Promise<{ code: number | null; stdout: string }>((resolve) =>
      child.on("exit", (code) => resolve({ code, stdout })),
    );
    return { child, done };
  };
  /** Claims held by the run of process `pid` (its registration in llm_runs names it). */
  const claimed = async (pid: number | undefined) =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM llm_enrichments e JOIN llm_runs r ON r.run_id = e.claimed_by
         WHERE r.pid = $1`,
        [pid ?? -1],
      )
    )[0]!.n;
  try {
    let killed = 0;
    let killsMidWork = 0;
    for (let i = 0; i < kills; i++) {
      const { child, done } = run(["enrich-descriptions", "-l", String(options.items)]);
      const spawnedAt = performance.now();
      let exited = false;
      void done.then(() => (exited = true));
      // The kill point: a random time after this run started working (holds claims and has
      // sent its first call).
      const callsBefore = fake.stats.completions;
      while (
        !exited &&
        ((await claimed(child.pid)) === 0 || fake.stats.completions === callsBefore)
      )
        await sleep(20);
      await Promise.race([done, sleep(minMs + random() * (maxMs - minMs))]);
      if (exited) break; // the job finished before this kill point
      const holding = await claimed(child.pid);
      if (process.env.BENCH_CRASH_TRACE)
        process.stderr.write(
          `kill ${i + 1} after ${Math.round(performance.now() - spawnedAt)} ms: holding ${holding}, provider calls so far ${fake.stats.completions}\n`,
        );
      child.kill("SIGKILL");
      await done;
      killed += 1;
      if (holding > 0) killsMidWork += 1;
    }
    const final = await run(["enrich-descriptions", "-l", String(options.items), "--json"]).done;
    const summary = JSON.parse(final.stdout.trim().split("\n").pop() ?? "{}") as {
      held_by_other_runs?: number;
    };
    const [state] = await db.query<{ finished: number; twice: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE e.status IN ('succeeded', 'failed', 'skipped'))::int AS finished,
              count(*) FILTER (WHERE e.attempts > 1)::int AS twice,
              count(*) FILTER (WHERE e.status = 'failed')::int AS failed
       FROM (SELECT id FROM animals ORDER BY id LIMIT $1) a
       LEFT JOIN llm_enrichments e ON e.animal_id = a.id AND e.processing_type = 'description_cleaning'`,
      [options.items],
    );
    const llmCalls = fake.stats.completions;
    // Every written result logs its calls (cache hits apart): logged calls above the item count
    // are guard re-asks; the rest of the calls above it were lost with the killed processes.
    const [logged] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM llm_processing_logs
       WHERE processing_type = 'description_cleaning' AND status <> 'cache_hit'`,
    );
    return {
      items: options.items,
      kills: killed,
      killsMidWork,
      concurrency,
      lost: options.items - state!.finished,
      writtenTwice: state!.twice,
      failed: state!.failed,
      llmCalls,
      reasks: Math.max(0, logged!.n - options.items),
      lostPerKill:
        killed === 0
          ? 0
          : Math.round(
              ((llmCalls - options.items - Math.max(0, logged!.n - options.items)) / killed) * 100,
            ) / 100,
      extraCalls: Math.max(0, llmCalls - options.items),
      extraCallsBound: killed * concurrency,
      finalHeld: summary.held_by_other_runs ?? -1,
      finalExitCode: final.code,
      wallSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await db.close();
    await fake.close();
  }
}

export function crashSoakReport(r: CrashSoakResult): string[] {
  const ok =
    r.lost === 0 && r.writtenTwice === 0 && r.finalHeld === 0 && r.lostPerKill <= r.concurrency;
  return [
    "## Crash soak (kill -9, immediate rerun)",
    "",
    `\`rescue-llm enrich-descriptions\` (compiled, PostgreSQL) killed with -9 at ${r.kills} random points of one job (each 0–2 s after the run's first call; ${r.killsMidWork} while it held claims), each time rerun at once with a claim lease of an hour, then run to the end. Fake provider: log-normal latency median 300 ms, sigma 0.6; concurrency ${r.concurrency}; the shared llm_cache on (a finished call's answer survives its process).`,
    "",
    "| items | kills | lost | written twice | failed | LLM calls | calls above items | guard re-asks | lost per kill | window | final run: held by others | final exit | wall (s) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    `| ${r.items} | ${r.kills} | ${r.lost} | ${r.writtenTwice} | ${r.failed} | ${r.llmCalls} | ${r.extraCalls} | ${r.reasks} | ${r.lostPerKill} | ${r.concurrency} | ${r.finalHeld} | ${r.finalExitCode} | ${r.wallSeconds} |`,
    "",
    `- ${ok ? "holds" : "**does not hold**"}: 0 lost, 0 written twice, the final run reports 0 items held, and the calls lost per kill (calls above the item count that were not guard re-asks) stay within one window. A kill loses the calls in flight (the window) plus the answers whose llm_cache row was still in its group-commit write.`,
    "",
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runCrashSoak({
    databaseUrl: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    items: Number(process.env.BENCH_CRASH_ITEMS ?? 800),
  });
  console.log(crashSoakReport(result).join("\n"));
}
