// `show` and `export` through runCli, on a real database of each kind.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServices, type Services } from "../../src/composition-root.js";
import { loadConfig, type Env } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { openPgliteDatabase } from "../../src/db/pglite-database.js";
import { createLogger } from "../../src/logger.js";
import { applyReviewAction } from "../../src/review/review-actions.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { fakeProfileIsGrounded } from "../../src/testing/fake-model-answers.js";
import { seedListings, sharedListings, runRequest } from "../support/pipeline-fixture.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";
import { runCliCaptured } from "./run-cli-captured.js";

// Listings the fake profiles (one that states no trait gets no profile to show).
const LISTINGS = sharedListings(
  3,
  (l) =>
    l.language === "en" &&
    String(l.description).length > 250 &&
    String(l.description).length < 700 &&
    fakeProfileIsGrounded(String(l.description)),
);

describe.each(DATABASE_KINDS)("show and export on %s", (kind) => {
  let env: Env;
  let db: Database;
  let t: TestDatabase | undefined;
  let dir: string | undefined;
  let fake: FakeOpenRouter;
  let services: Services;
  let ids: number[];
  let externalId: string;

  beforeAll(async () => {
    fake = await startFakeOpenRouter();
    if (kind === "postgres") {
      t = await createTestDatabase("postgres");
      db = t.db;
      env = { DATABASE_URL: t.url, LOG_LEVEL: "silent", REVIEW_MODE: "required" };
    } else {
      dir = mkdtempSync(join(tmpdir(), "rescue-llm-show-"));
      db = await openPgliteDatabase(join(dir, "data"));
      await migrate(db);
      env = {
        RESCUE_LLM_DATA_DIR: join(dir, "data"),
        LOG_LEVEL: "silent",
        REVIEW_MODE: "required",
      };
    }
    const config = loadConfig({
      ...env,
      LLM_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: "sk-test",
    });
    services = await openServices(config, { db, logger: createLogger("silent") });
    await seedListings(services, LISTINGS, "show-rescue");
    await runRequest(services, { processingType: "description_cleaning" });
    await runRequest(services, { processingType: "dog_profiler" });
    const animals = await db.query<{ id: number; external_id: string }>(
      "SELECT id, external_id FROM animals ORDER BY id",
    );
    ids = animals.map((r) => r.id);
    externalId = animals[0]!.external_id;
    await applyReviewAction(
      db,
      { label: "alice", via: "api" },
      {
        animalId: ids[0]!,
        processingType: "description_cleaning",
        action: "approve",
      },
    );
    await services.close();
    // PGlite is one process's: hand its data directory over to the CLI.
    if (kind === "pglite") await db.close();
  });
  afterAll(async () => {
    await fake.close();
    await t?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("show prints the listing beside each result with its review state", async () => {
    const byId = await runCliCaptured(["show", String(ids[0])], env);
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout).toContain("Cleaned description");
    expect(byId.stdout).toContain("approved · published");
    expect(byId.stdout).toContain("Profile");
    expect(byId.stdout).toContain("to review · not published");
    expect(byId.stdout).toMatch(/ │ /);
    const byExternal = await runCliCaptured(["show", externalId], env);
    expect(byExternal.stdout).toBe(byId.stdout);
    const json = await runCliCaptured(["show", String(ids[0]), "--json"], env);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.review_mode).toBe("required");
    expect(parsed.results[0]).toMatchObject({
      processing_type: "description_cleaning",
      published: true,
      reviewed_by: "alice",
    });
    const missing = await runCliCaptured(["show", "no-such-dog"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No animal with id or external_id "no-such-dog"');
  });

  it("export streams JSONL and CSV; --approved keeps only what a person approved", async () => {
    const all = await runCliCaptured(["export"], env);
    expect(all.code, all.stderr).toBe(0);
    const records = all.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(LISTINGS.length * 2);
    expect(records.find((r) => r.processing_type === "dog_profiler")?.value).toHaveProperty(
      "tagline",
    );
    const approved = await runCliCaptured(["export", "--approved", "-o", "show-rescue"], env);
    const only = approved.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(only).toHaveLength(1);
    expect(only[0]).toMatchObject({
      animal_id: ids[0],
      review_state: "approved",
      published: true,
      reviewed_by: "alice",
    });
    const csv = await runCliCaptured(["export", "--format", "csv"], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split("\n")[0]).toBe(
      "animal_id,external_id,organization,name,processing_type,target_language,review_state,published,origin,value,model,prompt_version,source_hash,made_at,made_by,reviewed_by,reviewed_at,stale,flagged,flags",
    );
    expect(csv.stdout).toContain('""tagline""');
    expect((await runCliCaptured(["export", "--format", "xml"], env)).code).toBe(2);
    expect((await runCliCaptured(["export", "-o", "nobody"], env)).code).toBe(2);
  });
});
