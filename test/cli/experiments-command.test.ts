// The operator's path through `rescue-llm experiments` on the demo listings: create with a
// prompt file from prompts/, run, report (text and JSON), list, stop, promote, and refusals.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { runCliCaptured } from "./run-cli-captured.js";

describe("experiments command (embedded database)", () => {
  let fake: FakeOpenRouter;
  let dir: string;
  let env: Env;

  beforeAll(async () => {
    fake = await startFakeOpenRouter();
    dir = mkdtempSync(join(tmpdir(), "rescue-llm-experiments-"));
    env = {
      RESCUE_LLM_DATA_DIR: join(dir, "data"),
      LLM_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: "sk-test",
      LOG_LEVEL: "silent",
    };
    const imported = await runCliCaptured(
      ["import", "examples/sample-listings.jsonl", "--create-organization"],
      env,
    );
    expect(imported.code, imported.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates, runs, reports, stops and promotes", { timeout: 180_000 }, async () => {
    const created = await runCliCaptured(
      [
        "experiments",
        "create",
        "--type",
        "dog_profiler",
        "--name",
        "careless-model",
        "--variant",
        "control",
        "--variant",
        "careless:prompts/dog-profiler-careless-model.txt",
        "--split",
        "50,50",
        "--json",
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const experiment = JSON.parse(created.stdout);
    expect(experiment).toMatchObject({ id: 1, status: "draft" });
    expect(experiment.arms[1]).toMatchObject({
      name: "careless",
      model: "fake/careless-profiler",
      source_file: "prompts/dog-profiler-careless-model.txt",
    });

    expect((await runCliCaptured(["experiments", "start", "1"], env)).code).toBe(0);
    const again = await runCliCaptured(["experiments", "start", "1"], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("only a draft starts");

    const run = await runCliCaptured(["generate-profiles", "--json"], env);
    expect([0, 1]).toContain(run.code);

    const report = await runCliCaptured(["experiments", "report", "1"], env);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('#1 "careless-model" — dog_profiler, running');
    expect(report.stdout).toContain("careless − control (95% CI)");
    expect(report.stdout).toMatch(/first-answer guard pass +\d/);
    expect(report.stdout).toMatch(/\nVerdict: (Keep control|No clear difference yet)/);
    const json = JSON.parse(
      (await runCliCaptured(["experiments", "report", "1", "--json"], env)).stdout,
    );
    expect(json.results.map((r: { arm: string }) => r.arm)).toEqual(["control", "careless"]);
    expect(json.results[0].items + json.results[1].items).toBeGreaterThan(10);

    const list = await runCliCaptured(["experiments", "list"], env);
    expect(list.stdout).toContain("careless 50% (dog_profiler@e1.careless");

    expect((await runCliCaptured(["experiments", "promote", "1", "nope"], env)).code).toBe(2);
    expect((await runCliCaptured(["experiments", "stop", "1"], env)).code).toBe(0);
    const promoted = await runCliCaptured(["experiments", "promote", "1", "control"], env);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toContain("dog_profiler now runs dog_profiler@p1.control");
  });

  it("refuses a bad variant, split or temperature with exit 2", async () => {
    const base = ["experiments", "create", "--type", "dog_profiler", "--name", "x"];
    const noControl = await runCliCaptured(
      [
        ...base,
        "--variant",
        "warm:prompts/dog-profiler-warm.txt",
        "--variant",
        "b:prompts/dog-profiler-warm.txt",
      ],
      env,
    );
    expect(noControl.code).toBe(2);
    expect(noControl.stderr).toContain("one arm must be the control");
    const split = await runCliCaptured(
      [
        ...base,
        "--variant",
        "control",
        "--variant",
        "warm:prompts/dog-profiler-warm.txt",
        "--split",
        "50",
      ],
      env,
    );
    expect(split.code).toBe(2);
    expect(split.stderr).toContain("--split has 1 weights for 2 arms");
    const cleaning = await runCliCaptured(
      [
        "experiments",
        "create",
        "--type",
        "description_cleaning",
        "--name",
        "x",
        "--variant",
        "control",
        "--variant",
        "warm:prompts/dog-profiler-warm.txt",
      ],
      env,
    );
    expect(cleaning.code).toBe(2);
    expect(cleaning.stderr).toContain("temperature 0.85 is outside 0.2–0.4");
    const missing = await runCliCaptured(
      [...base, "--variant", "control", "--variant", "warm:prompts/nope.txt"],
      env,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read prompts/nope.txt");
  });
});
