// A migrated database, a running fake OpenRouter and the services wired to both.
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openServices, type Services } from "../../src/composition-root.js";
import { loadConfig, type Config } from "../../src/config.js";
import { resolveRunRequest } from "../../src/enrichment/pipeline/resolve-run-request.js";
import { runEnrichment } from "../../src/enrichment/pipeline/run-enrichment.js";
import type { RunControl, RunRequest } from "../../src/enrichment/pipeline/run-request.js";
import type { RunSummary } from "../../src/enrichment/pipeline/run-types.js";
import { importListings } from "../../src/listings/import-listings.js";
import { createLogger } from "../../src/logger.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
  type FakeOpenRouterOptions,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./test-databases.js";
import { sharedDataFile } from "../../src/testing/shared-data.js";

export const SHARED_LISTINGS = sharedDataFile("listings.jsonl");

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

/** Resolves `request` as every edge does, then runs the plan. */
export async function runRequest(
  services: Pick<Services, "pipeline">,
  request: RunRequest,
  control: RunControl = {},
): Promise<RunSummary> {
  const plan = await resolveRunRequest(services.pipeline, request);
  return runEnrichment(services.pipeline, plan, control);
}
