// A second Ctrl-C quits at once with exit 130 and one line saying how far the run got: a real
// subprocess receiving real SIGINTs, on PostgreSQL (the test reads progress from the database
// while the run holds it).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config.js";
import { upsertOrganization } from "../../src/db/organization-store.js";
import { importListings } from "../../src/listings/import-listings.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { sharedListings } from "../support/pipeline-fixture.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";
import { waitFor } from "../support/wait-for.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LISTINGS = sharedListings(40, (l) => String(l.description).length > 200);

describe.runIf(DATABASE_KINDS.includes("postgres"))("a second Ctrl-C", () => {
  let t: TestDatabase;
  let fake: FakeOpenRouter;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rescue-llm-sigint-"));
    const file = join(dir, "listings.jsonl");
    writeFileSync(file, LISTINGS.map((l) => JSON.stringify(l)).join("\n") + "\n");
    // Slow answers: the run is still busy when the interrupts arrive.
    fake = await startFakeOpenRouter({ latency: 400 });
    t = await createTestDatabase("postgres");
    await upsertOrganization(t.db, { configId: "sigint-org" });
    await importListings({ db: t.db }, { filePath: file, organization: "sigint-org" });
  });
  afterAll(async () => {
    await fake.close();
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 130 with a short summary of the run so far", async () => {
    const env: Env = {
      ENVIRONMENT: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: t.url,
      LLM_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: "sk-or-sigint",
      LLM_BATCH_CONCURRENT: "2",
      LLM_CACHE_ENABLED: "false",
    };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "enrich-descriptions", "-b", "1"],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await waitFor(async () => {
      const rows = await t.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM llm_enrichments WHERE status = 'succeeded'",
      );
      return rows[0]!.n >= 1;
    });
    child.kill("SIGINT");
    await waitFor(() => stderr.includes("Ctrl-C again to quit now"));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toMatch(
      /Interrupted twice: enrich-descriptions quit at once \(exit 130\) after \d+\/\d+ item\(s\): ok \d+, failed \d+, skipped \d+, \$\d+\.\d{4} spent\./,
    );
  }, 120_000);
});
