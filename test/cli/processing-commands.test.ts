// enrich-descriptions / generate-profiles / translate through the CLI: in-process on both
// databases, plus real subprocesses for the smoke test and the kill -9 recovery.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { Env } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import { upsertOrganization } from "../../src/db/organization-store.js";
import { chunkItems, type ChunkData } from "../../src/jobs/chunk-plan.js";
import { createJobProgressStore } from "../../src/jobs/job-progress-store.js";
import { bullmqConnection, queueSettings } from "../../src/jobs/queue-settings.js";
import { importListings } from "../../src/listings/import-listings.js";
import { TEST_REDIS_URL } from "../jobs/support/test-redis.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { sharedListings } from "../support/pipeline-fixture.js";
import { waitFor } from "../support/wait-for.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";
import { runCliCaptured } from "./run-cli-captured.js";
import { setUpCliDatabase, type CliDatabase } from "./support/cli-database.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LISTINGS = sharedListings(15, (l) => {
  const d = String(l.description);
  return l.organization === "petfinder-my" && d.length > 200 && d.length < 500;
});

let dir: string;
let listingsFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rescue-llm-processing-cli-"));
  listingsFile = join(dir, "listings.jsonl");
  writeFileSync(listingsFile, LISTINGS.map((l) => JSON.stringify(l)).join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(DATABASE_KINDS)("processing commands on %s", (kind) => {
  let cli: CliDatabase;
  let fake: FakeOpenRouter;
  let env: Env;
  beforeAll(async () => {
    cli = await setUpCliDatabase(kind, dir, "sk-or-cli-test");
    ({ fake, env } = cli);
  });
  afterAll(() => cli.dispose());

  /** The database the commands use, opened while no command runs (PGlite is single-user). */
  const withDatabase = <T>(use: (db: Database) => Promise<T>): Promise<T> => cli.withDatabase(use);
  /**
   * Each test works on an organization of its own, its listings imported through the real
   * import code: what a test checks never depends on what an earlier one did or left undone.
   */
  const freshOrganization = (name: string): Promise<{ name: string; id: number }> =>
    withDatabase(async (db) => {
      const { id } = await upsertOrganization(db, { configId: name });
      const report = await importListings({ db }, { filePath: listingsFile, organization: name });
      expect(report.inserted).toBe(LISTINGS.length);
      return { name, id };
    });
  const stats = async (org: string) =>
    JSON.parse((await runCliCaptured(["stats", "-o", org, "--json"], env)).stdout) as Record<
      string,
      number
    >;

  it("--dry-run makes no call and writes nothing", async () => {
    const { name: org } = await freshOrganization("dry-run-org");
    const before = fake.stats.completions;
    const result = await runCliCaptured(["generate-profiles", "--dry-run", "-o", org], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`would process:        ${LISTINGS.length} item(s)`);
    expect(result.stdout).toMatch(/estimated cost: +unknown: openrouter\/auto routes/);
    expect(fake.stats.completions).toBe(before);
  });

  it("runs and prints the SPEC --json summary; a rerun makes no call", async () => {
    const { name: org } = await freshOrganization("json-org");
    const result = await runCliCaptured(
      ["enrich-descriptions", "-o", org, "-b", "4", "--json"],
      env,
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, number>;
    // SPEC §4's fields, plus the counters that explain them.
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining([
        "cache_hits",
        "cost_usd",
        "failed",
        "held_by_other_runs",
        "llm_calls",
        "processing_time",
        "skipped",
        "succeeded",
        "success_rate",
        "total_processed",
      ]),
    );
    expect(summary.succeeded).toBe(LISTINGS.length);
    expect(summary.success_rate).toBe(100);
    expect(summary.processing_time).toBeGreaterThan(0);
    expect(summary.processing_time).toBeLessThan(600); // seconds, not milliseconds
    const before = fake.stats.completions;
    const again = await runCliCaptured(["enrich-descriptions", "-o", org, "--json"], env);
    expect(JSON.parse(again.stdout).total_processed).toBe(0);
    expect(fake.stats.completions).toBe(before);
  });

  it("-l counts items (animal × target language), not animals", async () => {
    const { name: org } = await freshOrganization("limit-org");
    const result = await runCliCaptured(
      ["translate", "-o", org, "-t", "de,fr", "-l", "3", "--json"],
      env,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).succeeded).toBe(3);
    // Both languages of the first animal and one of the second: two animals translated.
    expect((await stats(org)).with_translations).toBe(2);
  });

  it("takes the organization by its numeric id as well", async () => {
    const { name, id } = await freshOrganization("by-id-org");
    const listed = await runCliCaptured(["enrich-descriptions", "--dry-run", "-o", name], env);
    const byId = await runCliCaptured(["enrich-descriptions", "--dry-run", "-o", String(id)], env);
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout).toBe(listed.stdout);
  });

  it.runIf(TEST_REDIS_URL)(
    "--queue keeps -b and counts -l in items, as a run in this process does",
    async () => {
      const { name: org } = await freshOrganization("queued-org");
      const queued = await runCliCaptured(
        ["translate", "-o", org, "-t", "de,fr", "-l", "3", "-b", "7", "--queue", "--json"],
        { ...env, REDIS_URL: TEST_REDIS_URL },
      );
      expect(queued.code, queued.stderr).toBe(0);
      const { job_id: jobId } = JSON.parse(queued.stdout) as { job_id: string };
      const settings = queueSettings();
      const queue = new Queue<ChunkData>(settings.queueName, {
        connection: bullmqConnection(TEST_REDIS_URL ?? ""),
        prefix: settings.prefix,
      });
      const redis = new Redis(TEST_REDIS_URL ?? "");
      try {
        const chunks = (await queue.getJobs(["waiting", "delayed", "prioritized"])).filter(
          (chunk) => chunk.data.parentId === jobId,
        );
        try {
          expect(chunks.map((c) => c.data.batchSize)).toEqual(chunks.map(() => 7));
          expect(chunks.reduce((sum, c) => sum + chunkItems(c.data), 0)).toBe(3);
          const job = await createJobProgressStore(
            redis,
            `${settings.prefix}:${settings.queueName}`,
          ).get(jobId);
          expect(job).toMatchObject({ state: "queued", total: 3 });
        } finally {
          // Nothing of this test stays on the shared default queue.
          await Promise.all(chunks.map((chunk) => chunk.remove()));
          await createJobProgressStore(redis, `${settings.prefix}:${settings.queueName}`).remove(
            jobId,
          );
        }
      } finally {
        redis.disconnect();
        await queue.close();
      }
    },
  );

  it("exits 3 on a rejected API key, without printing the key", async () => {
    const { name: org } = await freshOrganization("refused-org");
    const result = await runCliCaptured(["generate-profiles", "-o", org, "--json"], {
      ...env,
      OPENROUTER_API_KEY: "sk-or-wrong-key-123",
    });
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).not.toContain("sk-or-wrong-key-123");
    expect(JSON.parse(result.stdout).failed).toBe(0);
  });

  it("exits 3 when the budget is reached", async () => {
    const { name: org } = await freshOrganization("budget-org");
    const result = await runCliCaptured(["translate", "-o", org, "-t", "es", "--json"], {
      ...env,
      LLM_BUDGET_USD: "0.00000001",
      LLM_BATCH_CONCURRENT: "1",
    });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout).succeeded).toBeGreaterThan(0);
    expect(JSON.parse(result.stdout).total_processed).toBeLessThan(LISTINGS.length);
  });

  it.each([
    [["enrich-descriptions", "-b", "26"], /--batch-size: must be a whole number from 1 to 25/],
    [["enrich-descriptions", "-b", "four"], /--batch-size: must be a whole number, got "four"/],
    [["enrich-descriptions", "-l", "0"], /--limit: must be a positive whole number/],
    [["translate", "-t", "xx"], /unknown: xx/],
    [["enrich-descriptions", "-o", "no-such-org"], /Unknown organization: no-such-org/],
  ])("exits 2 on bad usage: %s", async (argv, message) => {
    const result = await runCliCaptured(argv, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("refuses a disabled feature with exit 2", async () => {
    const result = await runCliCaptured(["generate-profiles"], {
      ...env,
      LLM_FEATURE_DOG_PROFILER: "false",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("LLM_FEATURE_DOG_PROFILER");
  });
});

describe("processing commands without a key", () => {
  it("exits 2 naming OPENROUTER_API_KEY when calling the real OpenRouter", async () => {
    const result = await runCliCaptured(["enrich-descriptions"], {
      RESCUE_LLM_DATA_DIR: join(dir, "nokey"),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("OPENROUTER_API_KEY");
  });
});

function runSubprocess(
  argv: string[],
  env: Env,
): { done: Promise<{ code: number | null; stdout: string }>; kill(): void } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...argv], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.resume();
  return {
    done: new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout }))),
    kill: () => child.kill("SIGKILL"),
  };
}

describe.runIf(DATABASE_KINDS.includes("postgres"))("processing commands as subprocesses", () => {
  let t: TestDatabase;
  let fake: FakeOpenRouter;
  let env: Env;
  beforeAll(async () => {
    fake = await startFakeOpenRouter({ latency: 150 });
    t = await createTestDatabase("postgres");
    env = {
      ENVIRONMENT: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: t.url,
      LLM_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: "sk-or-subprocess",
      LLM_BATCH_CONCURRENT: "3",
      // Far longer than the test: the rerun must not wait for the dead run's lease.
      LLM_CLAIM_LEASE_SECONDS: "600",
      LLM_CACHE_ENABLED: "false",
    };
    const imported = await runSubprocess(
      ["import", listingsFile, "-o", "sub-rescue", "--create-organization"],
      env,
    ).done;
    expect(imported.code).toBe(0);
  });
  afterAll(async () => {
    await fake.close();
    await t.dispose();
  });

  it("kill -9 mid-run, then an immediate rerun finishes every item exactly once", async () => {
    const run = runSubprocess(["enrich-descriptions", "-b", "1"], env);
    const succeeded = async () =>
      (
        await t.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM llm_enrichments WHERE status = 'succeeded'",
        )
      )[0]!.n;
    await waitFor(async () => (await succeeded()) >= 4);
    run.kill();
    await run.done;
    const afterKill = await succeeded();
    expect(afterKill).toBeLessThan(LISTINGS.length);
    // The dead run still has claims with a lease of minutes…
    const stillClaimed = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM llm_enrichments WHERE claimed_by IS NOT NULL AND claim_expires_at > now()",
    );
    expect(stillClaimed[0]!.n).toBeGreaterThan(0);
    // …but its run is gone (its lock went with its connection), so the rerun takes them at once.
    const callsBefore = fake.stats.completions;
    const rerun = await runSubprocess(["enrich-descriptions", "--json"], env).done;
    expect(rerun.code).toBe(0);
    const summary = JSON.parse(rerun.stdout) as Record<string, number>;
    expect(summary.succeeded).toBe(LISTINGS.length - afterKill);
    expect(summary.held_by_other_runs).toBe(0);
    expect(fake.stats.completions - callsBefore).toBe(LISTINGS.length - afterKill);
    const rows = await t.db.query<{ status: string; attempts: number }>(
      "SELECT status, attempts FROM llm_enrichments WHERE processing_type = 'description_cleaning'",
    );
    expect(rows).toHaveLength(LISTINGS.length);
    expect(rows.every((r) => r.status === "succeeded" && r.attempts === 1)).toBe(true);
  }, 180_000);
});
