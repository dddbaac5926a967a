// `enrich-descriptions --batch-api` as a user runs it, in real processes on the embedded
// database: killed with -9 while waiting for its batch, the next start resumes polling that
// batch instead of submitting again; `batches` and `costs` report what happened.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { sharedListings } from "../support/pipeline-fixture.js";
import { waitFor } from "../support/wait-for.js";
import { runCli, startCli } from "./support/cli-process.js";

// Each process starts tsx and opens PGlite (WASM): seconds each on a busy machine.
const PROCESS_MS = 240_000;

describe("enrich-descriptions --batch-api in real processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "rescue-llm-batch-cli-"));
  const listings = sharedListings(
    8,
    (l) => l.organization === "petfinder-my" && String(l.description).length > 200,
  );
  const file = join(dir, "listings.jsonl");
  writeFileSync(file, listings.map((l) => JSON.stringify(l)).join("\n") + "\n");
  let fake: FakeOpenRouter;
  let env: Env;

  beforeAll(async () => {
    // Long enough to be killed while waiting; short enough for the resumed run to finish.
    fake = await startFakeOpenRouter({ batch: { turnaroundMs: 6_000 } });
    env = {
      ENVIRONMENT: "test",
      LOG_LEVEL: "silent",
      RESCUE_LLM_DATA_DIR: join(dir, "data"),
      LLM_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: "sk-or-batch-cli",
      LLM_DEFAULT_MODEL: "openai/gpt-4o-mini",
      LLM_BATCH_API_POLL_SECONDS: "0.1",
    };
    const imported = await runCli(
      ["import", file, "-o", "batch-rescue", "--create-organization"],
      env,
    );
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
  }, PROCESS_MS);
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "survives kill -9 while waiting: the restart resumes the batch and submits nothing twice",
    async () => {
      const first = startCli(["enrich-descriptions", "--batch-api", "--json"], env);
      await waitFor(() => fake.stats.batchesCreated >= 1, PROCESS_MS);
      // Waiting: polled at least once after the submission.
      const calls = fake.stats.batchCalls;
      await waitFor(() => fake.stats.batchCalls > calls + 1, PROCESS_MS);
      first.child.kill("SIGKILL");
      await first.exited;

      const listed = await runCli(["batches", "--json"], env);
      expect(listed.code).toBe(0);
      const before = JSON.parse(listed.stdout) as {
        state: string;
        request_counts: { total: number };
      }[];
      expect(before).toHaveLength(1);
      expect(before[0]!.state).toBe("live");
      expect(before[0]!.request_counts.total).toBe(listings.length);

      const resumed = await runCli(["enrich-descriptions", "--batch-api", "--json"], env);
      expect(resumed.stderr).not.toMatch(/error/i);
      expect(resumed.code).toBe(0);
      const summary = JSON.parse(resumed.stdout) as Record<string, unknown>;
      expect(summary).toMatchObject({
        succeeded: listings.length,
        failed: 0,
        transport: "batch",
        open_batches: [],
      });
      expect(fake.stats.batchSubmissions).toBe(1);
      expect(fake.stats.batchRequests).toBe(listings.length);
      expect(fake.stats.completions).toBe(0);

      const after = JSON.parse((await runCli(["batches", "--json"], env)).stdout) as {
        state: string;
        owner: string;
        run_id: string;
      }[];
      expect(after.map((b) => b.state)).toEqual(["done"]);
      expect(after[0]!.owner).not.toBe(after[0]!.run_id);

      const costs = await runCli(["costs", "--json"], env);
      expect(costs.code).toBe(0);
      const report = JSON.parse(costs.stdout) as {
        dogs: number;
        total_cost_usd: number;
        by_type_model_transport: { transport: string; llm_calls: number }[];
      };
      expect(report.dogs).toBe(listings.length);
      expect(report.total_cost_usd).toBeCloseTo(fake.stats.batchCostUsd, 6);
      expect(report.by_type_model_transport).toEqual([
        expect.objectContaining({ transport: "batch", llm_calls: listings.length }),
      ]);
    },
    PROCESS_MS,
  );
});
