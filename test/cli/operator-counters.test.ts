// What an operator reads after a run, through the real CLI on both databases: success rates
// over attempted items only, skips by reason, "nothing to do", --force, the budget stop and
// failure lists that say how many more there are.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import type { Env } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import { upsertOrganization } from "../../src/db/organization-store.js";
import { importListings } from "../../src/listings/import-listings.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { fakeProfileIsGrounded } from "../../src/testing/fake-model-answers.js";
import { sharedListings } from "../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../support/test-databases.js";
import { runCliCaptured } from "./run-cli-captured.js";
import { setUpCliDatabase, type CliDatabase } from "./support/cli-database.js";

const isPfmy = (l: Record<string, unknown>) => l.organization === "petfinder-my";
/** Long enough to profile, and too thin to (LLM_PROFILER_MIN_SOURCE_CHARS 150). */
const RICH = sharedListings(
  6,
  (l) =>
    isPfmy(l) && String(l.description).length > 250 && fakeProfileIsGrounded(String(l.description)),
);
const THIN = sharedListings(4, (l) => isPfmy(l) && String(l.description).length < 90);
/** Long enough, and not one trait: "Otta and her brother Oscar are from a batch of 4 puppies…". */
const NO_TRAIT = sharedListings(1, (l) => l.external_id === "pfmy-test-ac9fb74b9");
const LISTINGS = [...RICH, ...NO_TRAIT, ...THIN];
const SKIPPED = THIN.length + NO_TRAIT.length;

let dir: string;
let listingsFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rescue-llm-counters-"));
  listingsFile = join(dir, "listings.jsonl");
  writeFileSync(listingsFile, LISTINGS.map((l) => JSON.stringify(l)).join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, unknown>;

describe.each(DATABASE_KINDS)("operator counters on %s", (kind) => {
  let cli: CliDatabase;
  let fake: FakeOpenRouter;
  let env: Env;
  beforeAll(async () => {
    cli = await setUpCliDatabase(kind, dir, "sk-or-counters");
    ({ fake, env } = cli);
  });
  afterAll(() => cli.dispose());

  /** The database the commands use, opened while no command runs (PGlite is single-user). */
  const withDatabase = <T>(use: (db: Database) => Promise<T>): Promise<T> => cli.withDatabase(use);
  const freshOrganization = (name: string): Promise<string> =>
    withDatabase(async (db) => {
      await upsertOrganization(db, { configId: name });
      const report = await importListings({ db }, { filePath: listingsFile, organization: name });
      expect(report.inserted).toBe(LISTINGS.length);
      return name;
    });
  const runJson = async (argv: string[], extra: Env = {}) => {
    const result = await runCliCaptured([...argv, "--json"], { ...env, ...extra });
    return { code: result.code, summary: JSON.parse(result.stdout) as Json, stderr: result.stderr };
  };

  it("skips (too thin, no trait stated) are not failures; a rerun with nothing to do says so and exits 0", async () => {
    const org = await freshOrganization("thin-org");
    const first = await runJson(["generate-profiles", "-o", org]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary).toMatchObject({
      total_processed: LISTINGS.length,
      succeeded: RICH.length,
      failed: 0,
      skipped: SKIPPED,
      skipped_by_reason: { too_thin: THIN.length, no_trait_stated: NO_TRAIT.length },
      success_rate: 100,
      nothing_to_do: false,
    });

    const again = await runJson(["generate-profiles", "-o", org]);
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({
      total_processed: 0,
      success_rate: null,
      up_to_date: LISTINGS.length,
      held_by_other_runs: 0,
      nothing_to_do: true,
    });
    const text = await runCliCaptured(["generate-profiles", "-o", org], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      `Nothing to do: ${LISTINGS.length} item(s) up to date for the current source and prompt (--force redoes them).`,
    );
    expect(text.stdout).not.toContain("success rate");
  });

  it("the text summary gives the rate of attempted items and the skips by reason", async () => {
    const org = await freshOrganization("thin-text-org");
    const result = await runCliCaptured(["generate-profiles", "-o", org], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `skipped        ${SKIPPED} (too thin ${THIN.length}, no trait stated ${NO_TRAIT.length})`,
    );
    expect(result.stdout).toContain(
      `success rate   100% of ${RICH.length} attempted (skips not counted)`,
    );
  });

  it("--force asks the model afresh instead of answering from the cache", async () => {
    const org = await freshOrganization("force-org");
    const first = await runJson(["enrich-descriptions", "-o", org, "-l", "5"]);
    expect(first.summary).toMatchObject({ succeeded: 5, llm_calls: 5, cache_hits: 0 });
    const before = fake.stats.completions;
    const forced = await runJson(["enrich-descriptions", "-o", org, "-l", "5", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.summary).toMatchObject({ succeeded: 5, llm_calls: 5, cache_hits: 0 });
    expect(fake.stats.completions - before).toBe(5);
  });

  it("the budget stop and the summary name the same total", async () => {
    const org = await freshOrganization("budget-org");
    const budget = { LLM_BUDGET_USD: "0.00000001", LLM_CACHE_ENABLED: "false" };
    const text = await runCliCaptured(["translate", "-o", org, "-t", "es"], { ...env, ...budget });
    expect(text.code).toBe(3);
    const cost = /^ {2}cost +\$(\d+\.\d{4})$/m.exec(text.stdout)?.[1];
    const stopped = /^ {2}stopped +(.*)$/m.exec(text.stdout)?.[1] ?? "";
    expect(stopped).toMatch(/^Budget reached: spent \$\d+\.\d{4} of LLM_BUDGET_USD=/);
    const amounts = [...stopped.matchAll(/\$(\d+\.\d{4})/g)].map((m) => m[1]);
    // The stop's last amount is the run's whole cost: in-flight calls included when there were any.
    expect(amounts[amounts.length - 1]).toBe(cost);

    const json = await runJson(["translate", "-o", org, "-t", "fr"], budget);
    expect(json.code).toBe(3);
    const stop = json.summary.stopped as { reason: string; message: string };
    expect(stop.reason).toBe("budget_exceeded");
    const total = [...stop.message.matchAll(/\$(\d+\.\d{4})/g)].map((m) => m[1]).pop();
    expect(total).toBe((json.summary.cost_usd as number).toFixed(4));
  });

  it("a failure list shows the first five and says how many more failed", async () => {
    const org = await freshOrganization("failing-org");
    const junk = await startFakeOpenRouter({ responder: () => "Call 555-0100 now!" });
    try {
      // No cache: earlier tests' good answers for the same listings must not stand in.
      const result = await runCliCaptured(["enrich-descriptions", "-o", org], {
        ...env,
        LLM_BASE_URL: junk.baseUrl,
        LLM_CACHE_ENABLED: "false",
      });
      expect(result.code).toBe(1);
      const listed = result.stdout.split("\n").filter((l) => l.startsWith("  failed #"));
      expect(listed).toHaveLength(5);
      // Failed on the answer's checks, and recorded as such (not lost in a failed write).
      expect(result.stdout).not.toContain("write_failed");
      expect(result.stdout).toContain(`… and ${LISTINGS.length - 5} more failed`);
      expect(result.stdout).toContain(`success rate   0% of ${LISTINGS.length} attempted`);
    } finally {
      await junk.close();
    }
  });

  it("cache-stats names the shared table and this process's memory apart, rates as fractions", async () => {
    const first = await freshOrganization("cache-a-org");
    const second = await freshOrganization("cache-b-org");
    await runJson(["translate", "-o", first, "-t", "es", "-l", "3"]);
    // The same listings elsewhere: the same prompts, answered from the shared table.
    const repeat = await runJson(["translate", "-o", second, "-t", "es", "-l", "3"]);
    expect(repeat.summary).toMatchObject({ cache_hits: 3, llm_calls: 0 });

    const { stdout } = await runCliCaptured(["cache-stats", "--json"], env);
    const stats = JSON.parse(stdout);
    expect(stats.table_size).toBeGreaterThanOrEqual(3);
    expect(stats.size).toBe(stats.table_size);
    expect(stats.memory_size).toBe(0); // a fresh CLI process has looked nothing up
    expect(stats.hits).toBeGreaterThanOrEqual(3);
    expect(stats.hit_rate).toBe(Math.round((stats.hits / stats.total_requests) * 10_000) / 10_000);
    expect(stats.hit_rate).toBeLessThanOrEqual(1);
    expect(stats.hit_rate_percent).toBe(
      Math.round((stats.hits / stats.total_requests) * 1000) / 10,
    );

    const text = await runCliCaptured(["cache-stats"], env);
    expect(text.stdout).toMatch(/table entries \(shared, not expired\) +\d+/);
    expect(text.stdout).toMatch(/memory entries \(this process\) +0 of at most \d+/);
    expect(text.stdout).toContain(`hit rate`);
    expect(text.stdout).toContain(`${stats.hit_rate_percent}% (${stats.hit_rate} of`);
  });

  it("LOG_FILE takes the JSON logs; each item's lines name the animal, type and language", async () => {
    const org = await freshOrganization("log-file-org");
    const junk = await startFakeOpenRouter({ responder: () => "Call 555-0100 now!" });
    const logFile = join(dir, `logs-${kind}`, "run.log");
    try {
      const result = await runCliCaptured(["translate", "-o", org, "-t", "de", "-l", "3"], {
        ...env,
        LLM_BASE_URL: junk.baseUrl,
        LOG_LEVEL: "debug",
        LOG_FILE: logFile,
        LLM_CACHE_ENABLED: "false",
      });
      expect(result.code).toBe(1);
      expect(result.stderr).not.toContain('{"level"');
      const lines = readFileSync(logFile, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const failures = lines.filter((l) => l.msg === "LLM processing failed");
      expect(failures).toHaveLength(3);
      for (const line of failures) {
        expect(line).toMatchObject({ processingType: "translation", targetLanguage: "de" });
        expect(typeof line.animalId).toBe("number");
      }
    } finally {
      await junk.close();
    }
  });

  it("on a terminal, JSON logs wait until the progress bar is gone", async () => {
    const org = await freshOrganization("tty-log-org");
    const junk = await startFakeOpenRouter({ responder: () => "Call 555-0100 now!" });
    const err: string[] = [];
    const stderr = Object.assign(
      new Writable({
        write(chunk: Buffer | string, _encoding, callback) {
          err.push(String(chunk));
          callback();
        },
      }),
      { isTTY: true, columns: 120 },
    );
    try {
      const code = await runCli(["enrich-descriptions", "-o", org, "-l", "4"], {
        stdout: new Writable({ write: (_c, _e, cb) => cb() }),
        stderr,
        env: { ...env, LLM_BASE_URL: junk.baseUrl, LOG_LEVEL: "warn", LLM_CACHE_ENABLED: "false" },
        signal: new AbortController().signal,
      });
      expect(code).toBe(1);
      const text = err.join("");
      const lastBar = text.lastIndexOf("enrich-descriptions [");
      const firstLog = text.indexOf('{"level"');
      expect(lastBar).toBeGreaterThanOrEqual(0);
      expect(firstLog).toBeGreaterThan(lastBar);
    } finally {
      await junk.close();
    }
  });

  it("skips listings whose status says adopted or removed, and takes them again once back", async () => {
    const org = await freshOrganization("status-org");
    const withStatus = (statuses: (string | null)[]) => {
      const file = join(dir, `status-${kind}-${statuses.join("-")}.jsonl`);
      const lines = RICH.slice(0, 4).map((l, i) => ({ ...l, status: statuses[i] }));
      writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
      return file;
    };
    const imported = await runCliCaptured(
      ["import", withStatus(["adopted", "Removed", "adoptable", null]), "-o", org],
      env,
    );
    expect(imported.code, imported.stderr).toBe(0);
    const args = ["enrich-descriptions", "-o", org];
    // Calls counted as calls: earlier tests cached answers for the same listings.
    const noCache = { LLM_CACHE_ENABLED: "false" };
    const first = await runJson(args, noCache);
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary).toMatchObject({
      skipped_by_reason: { listing_inactive: 2 },
      llm_calls: LISTINGS.length - 2,
    });
    expect(fake.stats.completions).toBeGreaterThan(0);

    // Back up for adoption: taken again; the one still adopted stays skipped, not redone.
    await runCliCaptured(
      ["import", withStatus(["adopted", "adoptable", "adoptable", null]), "-o", org],
      env,
    );
    const second = await runJson(args, noCache);
    expect(second.summary).toMatchObject({ succeeded: 1, skipped: 0, total_processed: 1 });

    // Configurable: with no statuses to skip, the adopted listing is processed too.
    const all = await runJson(args, { ...noCache, LLM_SKIP_LISTING_STATUSES: "none" });
    expect(all.summary).toMatchObject({ total_processed: 0, up_to_date: LISTINGS.length });
    const forced = await runJson([...args, "--force"], {
      ...noCache,
      LLM_SKIP_LISTING_STATUSES: "none",
    });
    expect(forced.summary).toMatchObject({ succeeded: LISTINGS.length, skipped: 0 });
  });

  it("--dry-run counts by outcome and prices the calls from GET /models", async () => {
    const org = await freshOrganization("dry-org");
    const priced = { LLM_DEFAULT_MODEL: "openai/gpt-4o-mini" };
    // Without the cache, so that earlier tests' answers for the same listings do not count.
    const dry = await runJson(["generate-profiles", "--dry-run", "-o", org], {
      ...priced,
      LLM_CACHE_ENABLED: "false",
    });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(JSON.stringify(dry.summary));
    // Whether the model finds a trait is its answer's to say: the dry run counts a call.
    expect(plan).toMatchObject({
      would_process: LISTINGS.length,
      would_call: RICH.length + NO_TRAIT.length,
      would_skip: { too_thin: THIN.length },
      cached: 0,
      up_to_date: 0,
      price: {
        known: true,
        model: "openai/gpt-4o-mini",
        prompt_usd_per_million: 0.15,
        completion_usd_per_million: 0.6,
      },
    });
    const expected =
      (plan.estimated_prompt_tokens * 0.15 + plan.estimated_completion_tokens * 0.6) / 1e6;
    expect(plan.estimated_cost_usd).toBeCloseTo(expected, 4);

    // Forced: fresh calls (what the estimate is about), and their answers cached for the twin.
    const run = await runJson(["generate-profiles", "-o", org, "--force"], priced);
    // The estimate is of the same order as what the calls were charged.
    expect(plan.estimated_cost_usd).toBeGreaterThan((run.summary.cost_usd as number) / 3);
    expect(plan.estimated_cost_usd).toBeLessThan((run.summary.cost_usd as number) * 3);
    const after = await runJson(["generate-profiles", "--dry-run", "-o", org], priced);
    expect(after.summary).toMatchObject({
      would_process: 0,
      would_call: 0,
      up_to_date: LISTINGS.length,
    });

    // The same listings elsewhere: the cache would answer them.
    const twin = await freshOrganization("dry-twin-org");
    const cachedPlan = await runJson(["generate-profiles", "--dry-run", "-o", twin], priced);
    // …and its cached no_profile answer is a skip, still without a call.
    expect(cachedPlan.summary).toMatchObject({
      would_call: 0,
      cached: RICH.length,
      would_skip: { too_thin: THIN.length, no_trait_stated: NO_TRAIT.length },
    });
    const forced = await runJson(["generate-profiles", "--dry-run", "--force", "-o", twin], priced);
    expect(forced.summary).toMatchObject({
      would_call: RICH.length + NO_TRAIT.length,
      cached: 0,
    });

    const text = await runCliCaptured(["generate-profiles", "--dry-run", "-o", twin], env);
    expect(text.stdout).toMatch(
      new RegExp(
        `would skip: +${SKIPPED} \\(too thin ${THIN.length}, no trait stated ${NO_TRAIT.length}\\)`,
      ),
    );
    expect(text.stdout).toMatch(/estimated cost: +unknown: openrouter\/auto routes each request/);
  });

  it("stats counts stale results as stale, not coverage, with skips by reason and languages", async () => {
    const org = await freshOrganization("stale-org");
    await runJson(["generate-profiles", "-o", org]);
    await runJson(["translate", "-o", org, "-t", "de,fr"]);
    const before = JSON.parse((await runCliCaptured(["stats", "-o", org, "--json"], env)).stdout);
    expect(before).toMatchObject({
      total_animals: LISTINGS.length,
      dog_profiles: RICH.length,
      with_translations: LISTINGS.length,
      by_type: {
        dog_profiler: {
          succeeded: RICH.length,
          stale: 0,
          skipped_by_reason: { too_thin: THIN.length, no_trait_stated: NO_TRAIT.length },
        },
        translation: { succeeded: 2 * LISTINGS.length, stale: 0 },
      },
      by_language: {
        de: { translated: LISTINGS.length, stale: 0, coverage: 100 },
        fr: { translated: LISTINGS.length, stale: 0, coverage: 100 },
      },
    });

    // Two descriptions change; nothing is rerun.
    const changed = join(dir, `changed-${kind}.jsonl`);
    writeFileSync(
      changed,
      RICH.slice(0, 2)
        .map((l) =>
          JSON.stringify({ ...l, description: `${String(l.description)} Now house-trained.` }),
        )
        .join("\n") + "\n",
    );
    expect((await runCliCaptured(["import", changed, "-o", org], env)).code).toBe(0);
    const after = JSON.parse((await runCliCaptured(["stats", "-o", org, "--json"], env)).stdout);
    expect(after).toMatchObject({
      dog_profiles: RICH.length - 2,
      with_translations: LISTINGS.length - 2,
      by_type: { dog_profiler: { stale: 2 }, translation: { stale: 4 } },
      by_language: { de: { translated: LISTINGS.length - 2, stale: 2 } },
    });
    const text = await runCliCaptured(["stats", "-o", org], env);
    expect(text.stdout).toMatch(
      /dog_profiler +succeeded \d+, stale 2, failed 0, skipped 5 \(too thin 4, no trait stated 1\)/,
    );
    expect(text.stdout).toMatch(/de +translated 9 \(81\.8%\), stale 2/);
  });
});
