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
  /** Calls still unanswered when a run was killed, summed over the kills. */
  readonly inFlightAtKills: number;
  /** Answered calls of killed runs with neither a committed result nor an llm_cache row. */
  readonly answeredUnsaved: number;
  /** The most such answers one kill lost. */
  readonly answeredUnsavedMax: number;
  /** The most calls one kill lost: its run's calls minus what it saved (cache rows or results). */
  readonly lostCallsMaxPerKill: number;
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
  const countCacheRows = async () =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM llm_cache`))[0]!.n;
  const countFinished = async () =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM llm_enrichments
         WHERE processing_type = 'description_cleaning' AND status IN ('succeeded', 'failed', 'skipped')`,
      )
    )[0]!.n;
  const perKill: { inFlight: number; answeredUnsaved: number; lost: number }[] = [];
  try {
    let killed = 0;
    let killsMidWork = 0;
    for (let i = 0; i < kills; i++) {
      const callsAtSpawn = fake.stats.completions;
      const cacheRowsBefore = await countCacheRows();
      const finishedBefore = await countFinished();
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
      const inFlightAtKill = fake.stats.inFlight;
      child.kill("SIGKILL");
      await done;
      const callsNow = fake.stats.completions;
      const cacheRows = await countCacheRows();
      const finishedNow = await countFinished();
      // Answered calls of this run that left no trace: neither a committed result nor an
      // llm_cache row (every accepted answer gets one of the two, unless the kill came first).
      const answered = callsNow - callsAtSpawn - inFlightAtKill;
      // An accepted answer is in llm_cache before its result commits, so the new cache rows
      // are what this run left for the next one (max(): also right if a result came first).
      const saved = Math.max(cacheRows - cacheRowsBefore, finishedNow - finishedBefore);
      perKill.push({
        inFlight: inFlightAtKill,
        answeredUnsaved: Math.max(0, answered - saved),
        lost: Math.max(0, callsNow - callsAtSpawn - saved),
      });
      if (process.env.BENCH_CRASH_TRACE)
        process.stderr.write(
          `kill ${i + 1} after ${Math.round(performance.now() - spawnedAt)} ms: holding ${holding}, calls ${callsNow - callsAtSpawn} (in flight ${inFlightAtKill}), new cache rows ${cacheRows - cacheRowsBefore}, new results ${finishedNow - finishedBefore}\n`,
        );
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
      inFlightAtKills: perKill.reduce((n, k) => n + k.inFlight, 0),
      answeredUnsaved: perKill.reduce((n, k) => n + k.answeredUnsaved, 0),
      answeredUnsavedMax: Math.max(0, ...perKill.map((k) => k.answeredUnsaved)),
      lostCallsMaxPerKill: Math.max(0, ...perKill.map((k) => k.lost)),
      finalHeld: summary.held_by_other_runs ?? -1,
      finalExitCode: final.code,
      wallSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await db.close();
    await fake.close();
  }
}

function perKillText(n: number, kills: number): string {
  return kills === 0 ? "0" : String(Math.round((n / kills) * 10) / 10);
}

export function crashSoakReport(r: CrashSoakResult): string[] {
  const ok =
    r.lost === 0 &&
    r.writtenTwice === 0 &&
    r.finalHeld === 0 &&
    r.lostPerKill <= r.concurrency &&
    r.lostCallsMaxPerKill <= r.concurrency;
  return [
    "## Crash soak (kill -9, immediate rerun)",
    "",
    `\`rescue-llm enrich-descriptions\` (compiled, PostgreSQL) killed with -9 at ${r.kills} random points of one job (each 0–2 s after the run's first call; ${r.killsMidWork} while it held claims), each time rerun at once with a claim lease of an hour, then run to the end. Fake provider: log-normal latency median 300 ms, sigma 0.6; concurrency ${r.concurrency}; the shared llm_cache on (a finished call's answer survives its process).`,
    "",
    "| items | kills | lost | written twice | failed | LLM calls | calls above items | guard re-asks | lost per kill | most lost in one kill | window | final run: held by others | final exit | wall (s) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    `| ${r.items} | ${r.kills} | ${r.lost} | ${r.writtenTwice} | ${r.failed} | ${r.llmCalls} | ${r.extraCalls} | ${r.reasks} | ${r.lostPerKill} | ${r.lostCallsMaxPerKill} | ${r.concurrency} | ${r.finalHeld} | ${r.finalExitCode} | ${r.wallSeconds} |`,
    "",
    `- where the calls above the item count went: ${r.inFlightAtKills} were unanswered when their run was killed (${perKillText(r.inFlightAtKills, r.kills)} per kill), ${r.answeredUnsaved} were answered but had neither a committed result nor an llm_cache row at the kill (at most ${r.answeredUnsavedMax} in one kill).`,
    `- ${ok ? "holds" : "**does not hold**"}: 0 lost, 0 written twice, the final run reports 0 items held, and the calls lost per kill (calls above the item count that were not guard re-asks), on average and in every single kill (a killed run's calls minus the llm_cache rows and results it left), stay within one window. An item holds its call slot until its answer is in llm_cache (src/enrichment/pipeline/item-call-slots.ts), so a kill loses at most the window: the calls in flight and the answers still being written.`,
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
