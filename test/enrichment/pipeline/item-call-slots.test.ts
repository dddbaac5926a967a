// A call slot is held until the item's answer is stored in llm_cache, and no longer (issue 15: a process
// killed at any moment loses at most one window of paid calls). The cache writes are held
// back here until every paid-for answer waits for its write, so a run that gave its slots
// back on the HTTP answer would start more calls meanwhile and show more than the window.
import PQueue from "p-queue";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openServices, type Services } from "../../../src/composition-root.js";
import { loadConfig } from "../../../src/config.js";
import type { Database } from "../../../src/db/database.js";
import type { LlmClient, LlmRequest } from "../../../src/enrichment/llm-client.js";
import {
  createItemCallSlot,
  type ItemCallSlot,
} from "../../../src/enrichment/pipeline/item-call-slots.js";
import type { ResultCache } from "../../../src/enrichment/result-cache.js";
import { createLayeredResultCache } from "../../../src/llm/layered-result-cache.js";
import { createOpenRouterClient } from "../../../src/llm/openrouter-client.js";
import { createLogger } from "../../../src/logger.js";
import { answerLikeAModel } from "../../../src/testing/fake-model-answers.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { runRequest, seedListings, sharedListings } from "../../support/pipeline-fixture.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../../support/test-databases.js";

const WINDOW = 2;
const LISTINGS = sharedListings(
  8,
  (l) => String(l.description).length > 200 && String(l.description).length < 600,
);

describe.each(DATABASE_KINDS)("call slots held until the answer is stored, on %s", (kind) => {
  let t: TestDatabase;
  let fake: FakeOpenRouter;
  let services: Services;
  /** Answers paid for (requests the provider got) and not yet in llm_cache, at most. */
  let maxUnsaved = 0;
  let saved = 0;
  let release: ReturnType<typeof setInterval> | undefined;
  let held: (() => void)[] = [];
  let holding = true;

  beforeEach(async () => {
    t = await createTestDatabase(kind);
    saved = 0;
    maxUnsaved = 0;
    const observe = () => {
      maxUnsaved = Math.max(maxUnsaved, fake.stats.completions - saved);
    };
    fake = await startFakeOpenRouter({
      latency: { medianMs: 20, sigma: 0.6 },
      responder: (request) => {
        observe();
        return answerLikeAModel(request);
      },
    });
    held = [];
    holding = true;
    // The writes go once the provider has answered everything it was asked and a window's
    // worth of answers (or all that are left) waits to be saved: a run that freed its slots
    // on the HTTP answer has started further calls by then.
    release = setInterval(() => {
      const unsaved = fake.stats.completions - saved;
      const left = LISTINGS.length - saved;
      if (held.length > 0 && fake.stats.inFlight === 0 && unsaved >= Math.min(WINDOW, left))
        for (const r of held.splice(0)) r();
    }, 2);
    const db: Database = {
      kind: t.db.kind,
      ...(t.db.openSession && { openSession: t.db.openSession.bind(t.db) }),
      exec: (sql) => t.db.exec(sql),
      transaction: (fn) => t.db.transaction(fn),
      close: () => t.db.close(),
      async query<Row>(sql: string, params?: readonly unknown[]) {
        if (!sql.includes("INSERT INTO llm_cache")) return t.db.query<Row>(sql, params);
        const rows = (params?.[0] as unknown[]).length;
        observe();
        if (holding) await new Promise<void>((resolve) => held.push(resolve));
        const result = await t.db.query<Row>(sql, params);
        saved += rows;
        return result;
      },
    };
    const config = loadConfig({
      ENVIRONMENT: "test",
      LLM_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: "sk-or-test-fixture-key",
      LLM_BATCH_CONCURRENT: String(WINDOW),
      LOG_LEVEL: "silent",
      ...(t.url !== undefined && { DATABASE_URL: t.url }),
    });
    services = await openServices(config, { db, logger: createLogger("silent") });
    await seedListings(services, LISTINGS);
  });
  afterEach(async () => {
    clearInterval(release);
    // A run that did not wait for its cache writes leaves some held: let them go before closing.
    holding = false;
    for (const r of held.splice(0)) r();
    await services.close();
    await fake.close();
    await t.dispose();
  });

  it("never has more answers paid for and unsaved than the window", async () => {
    const summary = await runRequest(services, { processingType: "description_cleaning" });
    expect(summary.succeeded).toBe(LISTINGS.length);
    expect(fake.stats.completions).toBe(LISTINGS.length);
    expect(maxUnsaved).toBeGreaterThan(0);
    expect(maxUnsaved).toBeLessThanOrEqual(WINDOW);
    // Every answer was stored before the run ended, none left to a write-behind.
    expect(saved).toBe(LISTINGS.length);
  });
});

// The slot itself, against the fake OpenRouter through the real client, with a window of one.
describe("an item's call slot", () => {
  let fake: FakeOpenRouter;
  /** The user message of each request, in the order the provider got them. */
  let asked: string[];
  let slots: PQueue;
  let llm: LlmClient;
  let cache: ResultCache;

  beforeEach(async () => {
    asked = [];
    fake = await startFakeOpenRouter({
      apiKey: "sk-or-test-slots",
      responder: (request) => {
        asked.push(String(request.messages.at(-1)?.content));
        return "An answer.";
      },
    });
    llm = createOpenRouterClient({
      baseUrl: fake.baseUrl,
      apiKey: "sk-or-test-slots",
      defaultModel: "openrouter/auto",
      fallbackModels: [],
      timeoutMs: 5_000,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    cache = createLayeredResultCache(
      { logger: createLogger("silent") },
      { enabled: true, maxSize: 100, ttlMs: 60_000 },
    );
    slots = new PQueue({ concurrency: 1 });
  });
  afterEach(() => fake.close());

  const request = (text: string): LlmRequest => ({
    messages: [{ role: "user", content: text }],
    temperature: 0,
  });
  /** One cached call, as guarded-completion.ts makes it. */
  const ask = (slot: ItemCallSlot, text: string) =>
    slot.cache.getOrCompute(
      text,
      async () => ({ value: (await slot.llm.complete(request(text))).content, cacheable: true }),
      { processingType: "description_cleaning" },
    );
  const slotFor = () => createItemCallSlot(slots, llm, cache, () => {});

  it("is given back once the answer is stored, while the item still runs its checks", async () => {
    const first = slotFor();
    const second = slotFor();
    await ask(first, "first item");
    // `first` is not released (its checks would run now): the one slot is free all the same.
    await expect(ask(second, "second item")).resolves.toEqual({ value: "An answer.", hit: false });
    expect(asked).toEqual(["first item", "second item"]);
    first.release();
    second.release();
  });

  it("goes to an item's later call before items still waiting for their first", async () => {
    const reasking = slotFor();
    await ask(reasking, "first call");
    // The window is taken by another item's call meanwhile (once the first call gave it back).
    let endHolding: (() => void) | undefined;
    void slots.add(() => new Promise<void>((resolve) => (endHolding = resolve)));
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    while (!endHolding) await tick();
    const waiting = [slotFor(), slotFor()].map((s, i) => ask(s, `new item ${i}`));
    const reask = ask(reasking, "re-ask");
    while (slots.size < 3) await tick();
    endHolding();
    await Promise.all([...waiting, reask]);
    expect(asked).toEqual(["first call", "re-ask", "new item 0", "new item 1"]);
  });

  it("refuses calls once released, and gives the slot back when a call is refused", async () => {
    const done = slotFor();
    done.release();
    await expect(ask(done, "late")).rejects.toThrow(/already given back/);
    const refused = createItemCallSlot(slots, llm, cache, () => {
      throw new Error("the run stopped taking work");
    });
    await expect(ask(refused, "refused")).rejects.toThrow(/stopped taking work/);
    await expect(ask(slotFor(), "next")).resolves.toMatchObject({ hit: false });
    expect(asked).toEqual(["next"]);
  });
});
