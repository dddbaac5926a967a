// The price catalog against real HTTP: the fake OpenRouter's GET /models, and a small loopback
// server for lists the fake does not serve (no :batch variants, odd prices, failures).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tokensCostUsd } from "../../src/enrichment/model-prices.js";
import {
  createModelPriceCatalog,
  createPriceListCache,
  type ModelPriceCatalogOptions,
} from "../../src/llm/model-price-catalog.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";

const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
const noSleep = { sleep: async () => {} };

let fake: FakeOpenRouter;
beforeAll(async () => {
  fake = await startFakeOpenRouter({
    servedModel: "openai/gpt-4o-mini",
    pricing: { promptUsdPerToken: 0.15e-6, completionUsdPerToken: 0.6e-6 },
    modelPricing: { "acme/pricey": { promptUsdPerToken: 3e-6, completionUsdPerToken: 15e-6 } },
    // The fake lists :batch variants at 40% here, so a listed price is told from a derived one.
    batch: { priceFactor: 0.4 },
  });
});
afterAll(() => fake.close());

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((done) => s.close(() => done()))),
  );
});

/** A loopback server answering GET /api/v1/models with `answers` in turn (the last repeats). */
async function modelList(...answers: { status: number; body: unknown }[]) {
  const hits = { count: 0 };
  const server = createServer((req, res) => {
    hits.count += 1;
    const answer = answers[Math.min(hits.count, answers.length) - 1]!;
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(JSON.stringify(answer.body));
  });
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", () => ready()));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/api/v1`, hits };
}

const catalog = (baseUrl: string, extra: Partial<ModelPriceCatalogOptions> = {}) =>
  createModelPriceCatalog({
    baseUrl,
    apiKey: undefined,
    timeoutMs: 2_000,
    retry,
    retryDeps: noSleep,
    cache: createPriceListCache(),
    ...extra,
  });

describe("model price catalog", () => {
  it("reads USD per token from the model list, and the listed :batch price", async () => {
    const quote = await catalog(fake.baseUrl).quote("acme/pricey");
    expect(quote).toEqual({
      known: true,
      modelId: "acme/pricey",
      sync: { promptUsdPerToken: 3e-6, completionUsdPerToken: 15e-6 },
      batch: { promptUsdPerToken: 1.2e-6, completionUsdPerToken: 6e-6 },
      batchPriceSource: "listed",
    });
    if (!quote.known) return;
    const tokens = { promptTokens: 1000, completionTokens: 200 };
    expect(tokensCostUsd(tokens, quote.sync)).toBeCloseTo(0.006, 12);
    expect(tokensCostUsd(tokens, quote.batch)).toBeCloseTo(0.0024, 12);
    const mini = await catalog(fake.baseUrl).quote("openai/gpt-4o-mini:batch");
    expect(mini).toMatchObject({ known: true, modelId: "openai/gpt-4o-mini" });
  });

  it("derives the batch price as half the sync price when no :batch variant is listed", async () => {
    const list = await modelList({
      status: 200,
      body: {
        data: [{ id: "acme/plain", pricing: { prompt: "0.000002", completion: "0.00001" } }],
      },
    });
    expect(await catalog(list.baseUrl).quote("acme/plain")).toMatchObject({
      known: true,
      sync: { promptUsdPerToken: 2e-6, completionUsdPerToken: 10e-6 },
      batch: { promptUsdPerToken: 1e-6, completionUsdPerToken: 5e-6 },
      batchPriceSource: "derived",
    });
  });

  it("says unknown, with the reason, for openrouter/auto, unlisted models and odd prices", async () => {
    const fromFake = catalog(fake.baseUrl);
    const auto = await fromFake.quote("openrouter/auto");
    expect(auto).toMatchObject({ known: false, modelId: "openrouter/auto" });
    expect(!auto.known && auto.reason).toMatch(/routes each request/);
    const missing = await fromFake.quote("nobody/nothing");
    expect(!missing.known && missing.reason).toMatch(/not in the model list/);

    const list = await modelList({
      status: 200,
      body: {
        data: [
          { id: "acme/variable", pricing: { prompt: "-1", completion: "-1" } },
          { id: "acme/unpriced" },
          { id: "acme/junk", pricing: { prompt: "cheap", completion: "0.1" } },
        ],
      },
    });
    for (const id of ["acme/variable", "acme/unpriced", "acme/junk"]) {
      const quote = await catalog(list.baseUrl).quote(id);
      expect(quote.known).toBe(false);
      expect(!quote.known && quote.reason).toMatch(/no fixed per-token price/);
    }
  });

  it("says unknown when the endpoint has no model list (HTTP 404)", async () => {
    const list = await modelList({ status: 404, body: { error: { code: 404, message: "no" } } });
    const quote = await catalog(list.baseUrl).quote("any/model");
    expect(!quote.known && quote.reason).toMatch(/has no model list/);
  });

  it("fetches once per TTL: cached, shared by concurrent first lookups, refetched after", async () => {
    const list = await modelList({
      status: 200,
      body: {
        data: [{ id: "acme/plain", pricing: { prompt: "0.000002", completion: "0.00001" } }],
      },
    });
    const clock = { ms: 1_000_000 };
    const cache = createPriceListCache({ ttlMs: 60_000, now: () => clock.ms });
    const a = catalog(list.baseUrl, { cache });
    const b = catalog(list.baseUrl, { cache });
    await Promise.all([a.quote("acme/plain"), b.quote("acme/plain"), a.quote("x/y")]);
    expect(list.hits.count).toBe(1);
    clock.ms += 59_000;
    await b.quote("acme/plain");
    expect(list.hits.count).toBe(1);
    clock.ms += 2_000;
    await b.quote("acme/plain");
    expect(list.hits.count).toBe(2);
  });

  it("keeps one process-wide cache by default", async () => {
    const list = await modelList({
      status: 200,
      body: {
        data: [{ id: "acme/plain", pricing: { prompt: "0.000002", completion: "0.00001" } }],
      },
    });
    const options = { baseUrl: list.baseUrl, apiKey: undefined, timeoutMs: 2_000, retry };
    await createModelPriceCatalog(options).quote("acme/plain");
    await createModelPriceCatalog(options).quote("acme/plain");
    expect(list.hits.count).toBe(1);
  });

  it("retries a transient failure, and surfaces a lasting one as an LlmError", async () => {
    const flaky = await modelList(
      { status: 503, body: { error: { code: 503, message: "down" } } },
      { status: 200, body: { data: [{ id: "a/b", pricing: { prompt: "0", completion: "0" } }] } },
    );
    expect(await catalog(flaky.baseUrl).quote("a/b")).toMatchObject({ known: true });
    expect(flaky.hits.count).toBe(2);

    const down = await modelList({ status: 503, body: { error: { code: 503, message: "down" } } });
    const cache = createPriceListCache();
    await expect(catalog(down.baseUrl, { cache }).quote("a/b")).rejects.toMatchObject({
      category: "provider_unavailable",
      status: 503,
    });
    expect(down.hits.count).toBe(3);
    // A failure is not cached: the next lookup asks again.
    await catalog(down.baseUrl, { cache })
      .quote("a/b")
      .catch(() => undefined);
    expect(down.hits.count).toBe(6);
  });

  it("lets a caller stop waiting with its AbortSignal", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    await expect(
      catalog(fake.baseUrl).quote("acme/pricey", { signal: controller.signal }),
    ).rejects.toThrow(/stopped/);
  });
});
