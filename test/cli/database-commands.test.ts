// migrate, import and stats through runCli, on a real database of each kind.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config.js";
import type { TestDatabase } from "../support/test-databases.js";
import { createTestDatabase, DATABASE_KINDS } from "../support/test-databases.js";
import { runCliCaptured } from "./run-cli-captured.js";
import { sharedDataFile } from "../../src/testing/shared-data.js";

const SHARED_LISTINGS = sharedDataFile("listings.jsonl");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rescue-llm-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(DATABASE_KINDS)("database commands on %s", (kind) => {
  let env: Env;
  let t: TestDatabase | undefined;
  beforeAll(async () => {
    if (kind === "postgres") {
      t = await createTestDatabase("postgres", { migrated: false });
      env = { DATABASE_URL: t.url, LOG_LEVEL: "silent" };
    } else {
      env = { RESCUE_LLM_DATA_DIR: join(dir, "pglite-data"), LOG_LEVEL: "silent" };
    }
  });
  afterAll(() => t?.dispose());

  it("migrate prints what it applied, then that the schema is up to date", async () => {
    const first = await runCliCaptured(["migrate"], env);
    expect(first).toEqual({
      code: 0,
      stdout:
        "applied 001_base_aggregator_schema.sql\n" +
        "applied 005_add_llm_enrichment_fields.sql\n" +
        "applied 006_add_llm_provenance.sql\n" +
        "applied 009_llm_runs.sql\n" +
        "applied 010_staff_review_and_publishing.sql\n" +
        "applied 011_provider_batches.sql\n" +
        "applied 012_prompt_experiments.sql\n" +
        "applied 013_verification_calls.sql\n" +
        "applied 014_trigger_plans_by_key.sql\n",
      stderr: "",
    });
    const second = await runCliCaptured(["migrate"], env);
    expect(second).toEqual({ code: 0, stdout: "Database schema is up to date.\n", stderr: "" });
  });

  it("import loads the shared file and exits 0", async () => {
    const result = await runCliCaptured(["import", SHARED_LISTINGS, "--create-organization"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("2369 inserted, 0 updated, 0 unchanged, 0 rejected");
  });

  it("import --json reports a rerun as all unchanged", async () => {
    const result = await runCliCaptured(["import", SHARED_LISTINGS, "--json"], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 2369,
      rejectedCount: 0,
      rejected: [],
      aborted: false,
    });
  });

  it("import exits 1 and prints rejected lines with their numbers when some lines are bad", async () => {
    const file = join(dir, `bad-${kind}.jsonl`);
    writeFileSync(
      file,
      [
        JSON.stringify({ external_id: "c-1", name: "Ok", description: "Fine." }),
        "{oops",
        JSON.stringify({ external_id: "c-3", name: "No description" }),
      ].join("\n"),
    );
    const result = await runCliCaptured(
      ["import", file, "-o", "cli-shelter", "--create-organization"],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("1 inserted, 0 updated, 0 unchanged, 2 rejected");
    expect(result.stdout).toMatch(/line 2: invalid JSON/);
    expect(result.stdout).toContain("line 3: description: required");
  });

  it("import exits 2 with one line when the file is missing", async () => {
    const result = await runCliCaptured(["import", join(dir, "nope.jsonl")], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`error: Cannot read ${join(dir, "nope.jsonl")}: no such file\n`);
  });

  it("import -o refuses an unknown organization with exit 2 and writes nothing", async () => {
    const file = join(dir, `typo-${kind}.jsonl`);
    writeFileSync(file, JSON.stringify({ external_id: "t-1", name: "A", description: "One." }));
    const result = await runCliCaptured(["import", file, "-o", "petfindr-my"], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'error: unknown organization "petfindr-my": no organization has this config_id ' +
        "(check the spelling, or pass --create-organization to create it)\n",
    );
    // The refused run wrote nothing: asked to create the organization, the same line is new.
    const created = await runCliCaptured(
      ["import", file, "-o", "petfindr-my", "--create-organization", "--json"],
      env,
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ inserted: 1 });
  });

  it("stats prints a table, or the SPEC fields as JSON, optionally per organization", async () => {
    const table = await runCliCaptured(["stats"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Total animals\s+2371/);
    expect(table.stdout).toMatch(/Enriched descriptions\s+0\s+0\.0%/);

    const json = await runCliCaptured(["stats", "-o", "petfinder-us", "--json"], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      total_animals: 202,
      enriched_descriptions: 0,
      dog_profiles: 0,
      with_translations: 0,
      enrichment_coverage: 0,
      profile_coverage: 0,
      translation_coverage: 0,
      // Nothing processed yet: no outcomes per type, no translations per language.
      by_type: {},
      by_language: {},
    });
  });

  it("stats exits 2 with a clear line for an unknown organization", async () => {
    const result = await runCliCaptured(["stats", "-o", "no-such-shelter"], env);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: Unknown organization: no-such-shelter\n",
    });
  });
});

describe("a refused database connection", () => {
  it("gives one clear line naming host, port and database, never the password, and exits 2", async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));

    for (const argv of [["migrate"], ["stats"], ["import", SHARED_LISTINGS]]) {
      const result = await runCliCaptured(argv, {
        DATABASE_URL: `postgres://rescuer:TopSecretPw42@127.0.0.1:${port}/shelterdb`,
      });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        `error: Cannot connect to PostgreSQL at 127.0.0.1:${port}/shelterdb as rescuer: connection refused\n`,
      );
      expect(result.stderr).not.toContain("TopSecretPw42");
    }
  });
});
