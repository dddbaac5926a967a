// `rescue-llm serve` on a real socket: starts, refuses production without keys, warns in
// development, and on SIGTERM stops accepting while it finishes the request in flight.
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import type { Env } from "../../src/config.js";
import { openPgliteDatabase } from "../../src/db/pglite-database.js";
import { migrate } from "../../src/db/migrate.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type DatabaseKind,
  type TestDatabase,
} from "../support/test-databases.js";
import { waitFor } from "../support/wait-for.js";
import { readListings, SECRETS, seedAnimals } from "./support/api-harness.js";

class Capture extends Writable {
  text = "";
  private waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void) {
    this.text += String(chunk);
    for (const waiter of [...this.waiters]) {
      const match = this.text.match(waiter.pattern);
      if (match) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
    callback();
  }
  /** Resolves with the first match of `pattern` in what was written, now or later. */
  nextMatch(pattern: RegExp): Promise<RegExpMatchArray> {
    const match = this.text.match(pattern);
    if (match) return Promise.resolve(match);
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }
}

function startServe(env: Env) {
  const stdout = new Capture();
  const stderr = new Capture();
  const controller = new AbortController();
  const exit = runCli(["serve"], { stdout, stderr, env, signal: controller.signal });
  return { stdout, stderr, exit, stop: () => controller.abort() };
}

/** One request on a fresh connection (no keep-alive pool), so "refused" means refused. */
function probe(url: string): Promise<number | "refused"> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve("refused"));
    req.end();
  });
}

describe.each(DATABASE_KINDS)("serve on %s", (kind: DatabaseKind) => {
  let fake: FakeOpenRouter;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let animalId: number;
  let dbEnv: Env;

  beforeAll(async () => {
    fake = await startFakeOpenRouter({ latency: 1500 });
    dataDir = mkdtempSync(join(tmpdir(), "rescue-llm-serve-"));
    const listings = readListings(1);
    if (kind === "pglite") {
      // serve opens the data directory itself; seed it first and let go of it.
      const db = await openPgliteDatabase(dataDir);
      await migrate(db);
      [animalId] = (await seedAnimals(db, "serve-org", listings)) as [number];
      await db.close();
      dbEnv = { RESCUE_LLM_DATA_DIR: dataDir };
    } else {
      database = await createTestDatabase(kind);
      [animalId] = (await seedAnimals(database.db, "serve-org", listings)) as [number];
      dbEnv = { DATABASE_URL: database.url };
    }
  });
  afterAll(async () => {
    await fake.close();
    await database?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (extra: Env = {}): Env => ({
    ENVIRONMENT: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    LLM_BASE_URL: fake.baseUrl,
    OPENROUTER_API_KEY: SECRETS.openRouterKey,
    API_KEYS: SECRETS.apiKey,
    LOG_LEVEL: "silent",
    ...dbEnv,
    ...extra,
  });

  it("finishes the request in flight on shutdown while refusing new ones, then exits 0", async () => {
    const server = startServe(env());
    const [, address] = await server.stdout.nextMatch(/listening on (http:\/\/[^\s]+) /);
    expect(await probe(`${address}/api/llm/cache-stats`)).toBe(200);

    const inFlight = fetch(`${address}/api/llm/enrich`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRETS.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ animal_id: animalId, processing_type: "description_cleaning" }),
    });
    let answered = false;
    void inFlight.then(() => (answered = true));
    await waitFor(() => fake.stats.inFlight >= 1, 60_000, "the request to reach the provider");

    server.stop();
    // New connections are refused (or told 503) while the enrichment is still running.
    await waitFor(
      async () => (await probe(`${address}/api/llm/cache-stats`)) !== 200,
      60_000,
      "the server to stop accepting",
    );
    expect(answered).toBe(false);

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true, processed_count: 1 });
    expect(await server.exit).toBe(0);
    expect(server.stderr.text).toContain("Stopped.");
    expect(await probe(`${address}/api/llm/cache-stats`)).toBe("refused");
  });

  it("refuses to start in production without API_KEYS (exit 2)", async () => {
    const server = startServe(env({ ENVIRONMENT: "production", API_KEYS: undefined }));
    expect(await server.exit).toBe(2);
    expect(server.stderr.text).toContain("API_KEYS");
    expect(server.stdout.text).not.toMatch(/listening/);
  });

  it("warns loudly in development without API_KEYS, and serves", async () => {
    const server = startServe(env({ ENVIRONMENT: "development", API_KEYS: undefined }));
    const [, address] = await server.stdout.nextMatch(/listening on (http:\/\/[^\s]+) /);
    expect(server.stderr.text).toMatch(/WARNING.*API_KEYS is not set/);
    expect(await probe(`${address}/api/health/llm`)).toBe(200);
    // A job queue is wired in: an unknown job is 404, not 503 "no queue".
    expect(await probe(`${address}/api/llm/jobs/unknown`)).toBe(404);
    server.stop();
    expect(await server.exit).toBe(0);
  });
});
