// Issue 12's data loss, with real processes on one embedded data directory: `serve` ran, an
// `import` beside it printed "5 inserted", and after serve stopped the five were gone.
// Now a command beside serve goes through serve's socket; a command beside any other
// holder is refused (exit 2, nothing written); and a holder killed with -9 leaves no lock
// that blocks the next start.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config.js";
import { readDirectoryHolder } from "../../src/db/pglite-directory-lock.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { sharedListings } from "../support/pipeline-fixture.js";
import { waitFor } from "../support/wait-for.js";
import { runCli, startCli, type CliProcess } from "./support/cli-process.js";

// Each process starts tsx and opens PGlite (WASM): seconds each on a busy machine.
const PROCESS_MS = 240_000;
const API_KEY = "processes-test-key";

function writeListings(path: string, listings: readonly Record<string, unknown>[]): string {
  writeFileSync(path, listings.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return path;
}

describe("one embedded database, several processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "rescue-llm-processes-"));
  const dataDir = join(dir, "data");
  const listings = sharedListings(9, (l) => l.organization === "petfinder-my");
  const first = writeListings(join(dir, "first.jsonl"), listings.slice(0, 3));
  const more = writeListings(join(dir, "more.jsonl"), listings.slice(3, 7));
  const last = writeListings(join(dir, "last.jsonl"), listings.slice(7, 9));
  let fake: FakeOpenRouter;
  let env: Env;
  const running = new Set<CliProcess>();
  const track = (p: CliProcess) => {
    running.add(p);
    void p.exited.then(() => running.delete(p));
    return p;
  };
  const totalAnimals = async () => {
    const stats = await runCli(["stats", "--json"], env);
    expect(stats.stderr).toBe("");
    expect(stats.code).toBe(0);
    return (JSON.parse(stats.stdout) as { total_animals: number }).total_animals;
  };

  beforeAll(async () => {
    // Answers never come in time: a processing command holds the database while it waits.
    fake = await startFakeOpenRouter({ latency: 3_600_000 });
    env = {
      ENVIRONMENT: "test",
      LOG_LEVEL: "silent",
      RESCUE_LLM_DATA_DIR: dataDir,
      LLM_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: "sk-or-processes",
      LLM_TIMEOUT_SECONDS: "600",
      API_KEYS: API_KEY,
      HOST: "127.0.0.1",
      PORT: "0",
    };
    const imported = await runCli(
      ["import", first, "-o", "proc-rescue", "--create-organization"],
      env,
    );
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
  }, PROCESS_MS);
  // A failed test must not leave a holder behind for the next one.
  afterEach(async () => {
    const left = [...running];
    for (const p of left) p.child.kill("SIGKILL");
    await Promise.all(left.map((p) => p.exited));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "refuses a second process with exit 2, naming the directory, the holder and the way out; nothing written",
    async () => {
      const holder = track(startCli(["enrich-descriptions", "-o", "proc-rescue"], env));
      await waitFor(() => fake.stats.inFlight >= 1, PROCESS_MS);

      const refused = await runCli(["import", more, "-o", "proc-rescue"], env);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe("");
      const message = refused.stderr;
      expect(message).toContain(
        `The embedded database ${dataDir} is in use by pid ${holder.child.pid}`,
      );
      expect(message).toContain("rescue-llm enrich-descriptions -o proc-rescue");
      expect(message).toContain("DATABASE_URL");
      expect(message).toContain("rescue-llm serve");
      expect(message).not.toMatch(/Unexpected internal error/);

      // A crash: kill -9 leaves the lock directory and the holder record behind…
      holder.child.kill("SIGKILL");
      await holder.exited;
      expect(readDirectoryHolder(dataDir)?.pid).toBe(holder.child.pid);
      // …and the next start takes the lock over: the refused import wrote nothing.
      expect(await totalAnimals()).toBe(3);
    },
    PROCESS_MS,
  );

  it(
    "lets an import run beside serve, through serve's socket; the dogs survive serve's stop",
    async () => {
      const serve = track(startCli(["serve"], env));
      // serve prints this line right after "listening on …".
      await waitFor(() => serve.stdout().includes("CLI commands run meanwhile"), PROCESS_MS);
      const address = /listening on (http:\/\/\S+)/.exec(serve.stdout())?.[1];
      expect(serve.stdout()).toContain(`Embedded database ${dataDir}: CLI commands run meanwhile`);

      // Two commands at once beside the API: an import and a stats reader.
      const [imported, stats] = await Promise.all([
        runCli(["import", more, "-o", "proc-rescue", "--json"], env),
        runCli(["stats", "--json"], env),
      ]);
      expect(imported.stderr).toBe("");
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ inserted: 4, rejectedCount: 0 });
      expect(stats.code).toBe(0);
      expect([3, 7]).toContain(
        (JSON.parse(stats.stdout) as { total_animals: number }).total_animals,
      );

      // serve sees the imported dogs at once…
      const response = await fetch(`${address}/api/llm/stats`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ total_animals: 7 });

      // …and after it stops they are still there (issue 12: they were gone).
      serve.child.kill("SIGTERM");
      expect(await serve.exited).toBe(0);
      expect(await totalAnimals()).toBe(7);
    },
    PROCESS_MS,
  );

  it(
    "starts again after serve is killed with -9, and commands then open the directory themselves",
    async () => {
      const serve = track(startCli(["serve"], env));
      await waitFor(() => /listening on http:\/\//.test(serve.stdout()), PROCESS_MS);
      serve.child.kill("SIGKILL");
      await serve.exited;
      const deadSocketDir = readDirectoryHolder(dataDir)?.socketDir;
      expect(deadSocketDir !== undefined && existsSync(deadSocketDir)).toBe(true);

      const imported = await runCli(["import", last, "-o", "proc-rescue", "--json"], env);
      expect(imported.stderr).toBe("");
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ inserted: 2 });
      // The import took the dead serve's lock over and removed its socket directory.
      expect(existsSync(deadSocketDir as string)).toBe(false);

      const again = track(startCli(["serve"], env));
      await waitFor(() => /listening on http:\/\//.test(again.stdout()), PROCESS_MS);
      const address = /listening on (http:\/\/\S+)/.exec(again.stdout())?.[1];
      const response = await fetch(`${address}/api/llm/stats`);
      expect(await response.json()).toMatchObject({ total_animals: 9 });
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    },
    PROCESS_MS,
  );

  it(
    "a processing command beside serve killed with -9 holds nothing: an immediate rerun does every item",
    async () => {
      // Answers that come: the rerun finishes. The killed command used the fake that never answers.
      const answering = await startFakeOpenRouter({ latency: 20 });
      try {
        const fast = { ...env, LLM_BASE_URL: answering.baseUrl };
        const serve = track(startCli(["serve"], fast));
        await waitFor(() => serve.stdout().includes("CLI commands run meanwhile"), PROCESS_MS);
        const victim = track(startCli(["enrich-descriptions", "-o", "proc-rescue"], env));
        const inFlight = fake.stats.inFlight;
        await waitFor(() => fake.stats.inFlight > inFlight, PROCESS_MS);
        // It holds claims on every dog (a lease of a minute), through serve's one session.
        victim.child.kill("SIGKILL");
        await victim.exited;

        const rerun = await runCli(["enrich-descriptions", "-o", "proc-rescue", "--json"], fast);
        expect(rerun.code).toBe(0);
        const summary = JSON.parse(rerun.stdout) as Record<string, number>;
        // On PGlite a run is its process: the killed one's claims were free at once.
        expect(summary.held_by_other_runs).toBe(0);
        expect(summary.succeeded).toBe(9);
        expect(answering.stats.completions).toBe(9);
        serve.child.kill("SIGTERM");
        expect(await serve.exited).toBe(0);
      } finally {
        await answering.close();
      }
    },
    PROCESS_MS,
  );
});
