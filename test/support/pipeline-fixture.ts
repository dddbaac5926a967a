// A migrated database, a running fake OpenRouter and the services wired to both.
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openServices, type Services } from "../../src/composition-root.js";
import { loadConfig, type Config } from "../../src/config.js";
import { importListings } from "../../src/listings/import-listings.js";
import { createLogger } from "../../src/logger.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
  type FakeOpenRouterOptions,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./test-databases.js";

export const SHARED_LISTINGS = new URL("../../../shared/data/listings.jsonl", import.meta.url);

export interface PipelineFixture {
  readonly database: TestDatabase;
  readonly fake: FakeOpenRouter;
  readonly config: Config;
  readonly services: Services;
  /** The environment the config came from, for subprocesses. */
  readonly env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createPipelineFixture(
  kind: DatabaseKind,
  options: { env?: Record<string, string>; fake?: FakeOpenRouterOptions } = {},
): Promise<PipelineFixture> {
  const database = await createTestDatabase(kind);
  const fake = await startFakeOpenRouter(options.fake);
  const env: Record<string, string> = {
    ENVIRONMENT: "test",
    LLM_BASE_URL: fake.baseUrl,
    OPENROUTER_API_KEY: "sk-or-test-fixture-key",
    LLM_RETRY_BASE_DELAY: "0.01",
    LLM_RETRY_MAX_DELAY: "0.05",
    LOG_LEVEL: "silent",
    ...(database.url !== undefined && { DATABASE_URL: database.url }),
    ...options.env,
  };
  const config = loadConfig(env);
  const services = await openServices(config, { db: database.db, logger: createLogger("silent") });
  return {
    database,
    fake,
    config,
    services,
    env,
    async dispose() {
      await services.close();
      await fake.close();
      await database.dispose();
    },
  };
}

/** Lines of the shared real listings, picked by a predicate, as parsed objects. */
export function sharedListings(
  count: number,
  predicate: (listing: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown>[] {
  const lines = readFileSync(SHARED_LISTINGS, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const picked: Record<string, unknown>[] = [];
  for (const line of lines) {
    const listing = JSON.parse(line) as Record<string, unknown>;
    if (predicate(listing)) picked.push(listing);
    if (picked.length >= count) break;
  }
  return picked;
}

/** Imports listings through the real import path under one organization. */
export async function seedListings(
  services: Services,
  listings: readonly Record<string, unknown>[],
  organization = "test-rescue",
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rescue-llm-seed-"));
  const file = join(dir, "listings.jsonl");
  writeFileSync(file, listings.map((l) => JSON.stringify(l)).join("\n") + "\n");
  const report = await importListings(
    { db: services.db },
    { filePath: file, organization, createOrganizations: true },
  );
  if (report.rejectedCount > 0)
    throw new Error(`seed rejected: ${JSON.stringify(report.rejected)}`);
}

/** Resolves when `predicate` holds, polling; fails after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
