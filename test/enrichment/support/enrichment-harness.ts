// The real pieces wired for end-to-end processing tests: the fake OpenRouter server, the real
import { afterAll, afterEach, beforeAll } from "vitest";
// client, and the layered cache on a fresh migrated database.
import { loadConfig, type Config } from "../../../src/config.js";
import type { EnrichmentDeps } from "../../../src/enrichment/enrichment-deps.js";
import { openServices } from "../../../src/composition-root.js";
import type { LayeredResultCache } from "../../../src/llm/layered-result-cache.js";
import { createLogger } from "../../../src/logger.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
  type FakeOpenRouterOptions,
} from "../../../src/testing/fake-openrouter/fake-openrouter-server.js";
import {
  createTestDatabase,
  type DatabaseKind,
  type TestDatabase,
} from "../../support/test-databases.js";

export const TEST_API_KEY = "sk-or-v1-enrichment-test-key";

export interface EnrichmentHarness {
  readonly fake: FakeOpenRouter;
  readonly config: Config;
  readonly cache: LayeredResultCache;
  readonly deps: EnrichmentDeps;
  readonly database: TestDatabase;
  dispose(): Promise<void>;
}

export async function createEnrichmentHarness(
  kind: DatabaseKind,
  options: { fake?: FakeOpenRouterOptions; env?: Record<string, string> } = {},
): Promise<EnrichmentHarness> {
  const database = await createTestDatabase(kind);
  const fake = await startFakeOpenRouter({ apiKey: TEST_API_KEY, ...options.fake });
  const config = loadConfig({
    ENVIRONMENT: "test",
    LLM_BASE_URL: fake.baseUrl,
    OPENROUTER_API_KEY: TEST_API_KEY,
    LLM_RETRY_MAX_ATTEMPTS: "2",
    LLM_RETRY_BASE_DELAY: "0",
    LLM_RETRY_MAX_DELAY: "0",
    LLM_TIMEOUT_SECONDS: "5",
    ...options.env,
  });
  // The same wiring as production (client with the gate, layered cache), on this database.
  const services = await openServices(config, { db: database.db, logger: createLogger("silent") });
  const cache = services.cache;
  return {
    fake,
    config,
    cache,
    database,
    deps: { llm: services.llm, cache, config, logger: services.logger },
    async dispose() {
      await services.close();
      await fake.close();
      await database.dispose();
    },
  };
}

/**
 * One harness per describe block, with the fake's script, the memory cache and the cache
 * table cleared after every test. Read `current()` inside tests.
 */
export function useEnrichmentHarness(kind: DatabaseKind): () => EnrichmentHarness {
  let h: EnrichmentHarness | undefined;
  beforeAll(async () => {
    h = await createEnrichmentHarness(kind);
  });
  afterEach(async () => {
    if (!h) return;
    h.fake.reset();
    h.cache.clearMemory();
    await h.cache.flush(); // table writes are batched behind callers: land them, then clear
    await h.database.db.exec("DELETE FROM llm_cache");
  });
  afterAll(() => h?.dispose());
  return () => {
    if (!h) throw new Error("harness not started");
    return h;
  };
}
