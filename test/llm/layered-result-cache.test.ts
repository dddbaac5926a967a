import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countCachedResponses, purgeExpiredCachedResponses } from "../../src/db/llm-cache-store.js";
import { cacheKey } from "../../src/enrichment/cache-key.js";
import {
  createLayeredResultCache,
  type LayeredResultCacheOptions,
} from "../../src/llm/layered-result-cache.js";
import { createLogger } from "../../src/logger.js";
import type { Queryable } from "../../src/db/database.js";
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from "../support/test-databases.js";

const META = { processingType: "description_cleaning", model: "openai/gpt-4o-mini" };
const OPTIONS: LayeredResultCacheOptions = { enabled: true, maxSize: 3, ttlMs: 60_000 };

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger("warn", stream), lines };
}

function counter<T>(value: T, cacheable = true) {
  let calls = 0;
  const compute = async () => {
    calls += 1;
    return { value, cacheable };
  };
  return { compute, calls: () => calls };
}

describe("cacheKey", () => {
  const parts = {
    processingType: "translation",
    promptVersion: "translation@1",
    model: "openrouter/auto",
    temperature: 0.2,
    targetLanguage: "de",
    input: { name: "Bella", text: "A calm dog." },
  };
  it("is a stable SHA-256 hex of every part, object key order aside", () => {
    const key = cacheKey(parts);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ ...parts, input: { text: "A calm dog.", name: "Bella" } })).toBe(key);
  });
  it("changes with each part", () => {
    const key = cacheKey(parts);
    for (const change of [
      { processingType: "description_cleaning" },
      { promptVersion: "translation@2" },
      { model: "openai/gpt-4o" },
      { temperature: 0.3 },
      { targetLanguage: "fr" },
      { input: { name: "Bella", text: "A calm dog!" } },
    ]) {
      expect(cacheKey({ ...parts, ...change })).not.toBe(key);
    }
    const { targetLanguage: _omit, ...noTarget } = parts;
    expect(cacheKey(noTarget)).not.toBe(key);
  });
});

describe("layered result cache (memory only)", () => {
  it("misses, then hits, and reports SPEC stats", async () => {
    const { logger } = capturingLogger();
    const cache = createLayeredResultCache({ logger }, OPTIONS);
    const { compute, calls } = counter("clean text");
    expect(await cache.getOrCompute("k1", compute, META)).toEqual({
      value: "clean text",
      hit: false,
    });
    expect(await cache.getOrCompute("k1", compute, META)).toEqual({
      value: "clean text",
      hit: true,
    });
    expect(await cache.getOrCompute("k1", compute, META)).toEqual({
      value: "clean text",
      hit: true,
    });
    expect(calls()).toBe(1);
    expect(cache.stats()).toEqual({
      size: 1,
      maxSize: 3,
      hits: 2,
      misses: 1,
      hitRatePercent: 66.7,
      totalRequests: 3,
    });
  });

  it("evicts the least recently used entry at max size", async () => {
    const cache = createLayeredResultCache({ logger: capturingLogger().logger }, OPTIONS);
    for (const k of ["a", "b", "c"]) await cache.getOrCompute(k, counter(k).compute, META);
    await cache.getOrCompute("a", counter("a").compute, META); // a is now most recent
    await cache.getOrCompute("d", counter("d").compute, META); // evicts b
    expect(cache.stats().size).toBe(3);
    const b = counter("b");
    expect((await cache.getOrCompute("b", b.compute, META)).hit).toBe(false);
    expect(b.calls()).toBe(1);
    expect((await cache.getOrCompute("a", counter("a").compute, META)).hit).toBe(true);
  });

  it("expires entries after the TTL (injected clock)", async () => {
    let nowMs = 1_000_000;
    const cache = createLayeredResultCache(
      { logger: capturingLogger().logger, now: () => nowMs },
      OPTIONS,
    );
    const first = counter("v");
    await cache.getOrCompute("k", first.compute, META);
    nowMs += 59_000;
    expect((await cache.getOrCompute("k", first.compute, META)).hit).toBe(true);
    nowMs += 2_000;
    expect((await cache.getOrCompute("k", first.compute, META)).hit).toBe(false);
    expect(first.calls()).toBe(2);
  });

  it("shares one compute among concurrent callers of the same key", async () => {
    const cache = createLayeredResultCache({ logger: capturingLogger().logger }, OPTIONS);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const compute = async () => {
      calls += 1;
      await gate;
      return { value: { tagline: "Sweet" }, cacheable: true };
    };
    const both = Promise.all([
      cache.getOrCompute("k", compute, META),
      cache.getOrCompute("k", compute, META),
    ]);
    release();
    const [one, two] = await both;
    expect(calls).toBe(1);
    expect(one).toEqual({ value: { tagline: "Sweet" }, hit: false });
    expect(two).toEqual({ value: { tagline: "Sweet" }, hit: true });
  });

  it("shares a failing compute's error, and computes again afterwards", async () => {
    const cache = createLayeredResultCache({ logger: capturingLogger().logger }, OPTIONS);
    let calls = 0;
    const failing = async (): Promise<{ value: string; cacheable: boolean }> => {
      calls += 1;
      await Promise.resolve();
      throw new Error("provider down");
    };
    const results = await Promise.allSettled([
      cache.getOrCompute("k", failing, META),
      cache.getOrCompute("k", failing, META),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(calls).toBe(1);
    expect((await cache.getOrCompute("k", counter("ok").compute, META)).value).toBe("ok");
  });

  it("does not store results that are not cacheable", async () => {
    const cache = createLayeredResultCache({ logger: capturingLogger().logger }, OPTIONS);
    const rejected = counter("failed its guards", false);
    await cache.getOrCompute("k", rejected.compute, META);
    await cache.getOrCompute("k", rejected.compute, META);
    expect(rejected.calls()).toBe(2);
    expect(cache.stats().size).toBe(0);
  });

  it("is bypassed entirely when disabled", async () => {
    const cache = createLayeredResultCache(
      { logger: capturingLogger().logger },
      { ...OPTIONS, enabled: false },
    );
    const c = counter("v");
    await cache.getOrCompute("k", c.compute, META);
    expect(await cache.getOrCompute("k", c.compute, META)).toEqual({ value: "v", hit: false });
    expect(c.calls()).toBe(2);
    expect(cache.stats()).toMatchObject({ size: 0, hits: 0, misses: 0 });
  });
});

describe("layered result cache: a failing table never fails the caller", () => {
  it("logs and computes when the database throws on read and write", async () => {
    // A database port whose every statement fails, as after a lost connection.
    const broken: Queryable = {
      query: () => Promise.reject(new Error("connection terminated unexpectedly")),
      exec: () => Promise.reject(new Error("connection terminated unexpectedly")),
    };
    const { logger, lines } = capturingLogger();
    const cache = createLayeredResultCache({ db: broken, logger }, OPTIONS);
    const c = counter("still works");
    expect(await cache.getOrCompute("k", c.compute, META)).toEqual({
      value: "still works",
      hit: false,
    });
    expect(c.calls()).toBe(1);
    await cache.flush();
    expect(lines.join("")).toMatch(/LLM cache table read failed/);
    expect(lines.join("")).toMatch(/LLM cache table write failed/);
    // The memory layer still works.
    expect((await cache.getOrCompute("k", c.compute, META)).hit).toBe(true);
  });
});

describe.each(DATABASE_KINDS)("layered result cache with the llm_cache table on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    await t.db.query("DELETE FROM llm_cache");
  });

  it("survives a new cache instance (another process) on the same database", async () => {
    const { logger } = capturingLogger();
    const profile = {
      tagline: "Sweet girl",
      traits: ["calm", "gentle", "curious"],
      fun_fact: null,
    };
    const first = createLayeredResultCache({ db: t.db, logger }, OPTIONS);
    await first.getOrCompute("p1", counter(profile).compute, {
      processingType: "dog_profiler",
      model: "m",
    });
    const second = createLayeredResultCache({ db: t.db, logger }, OPTIONS);
    const c = counter({ tagline: "other" });
    expect(await second.getOrCompute("p1", c.compute, META)).toEqual({ value: profile, hit: true });
    expect(c.calls()).toBe(0);
    expect(await countCachedResponses(t.db, new Date())).toBe(1);
    const rows = await t.db.query<{ processing_type: string; model: string }>(
      "SELECT processing_type, model FROM llm_cache WHERE cache_key = 'p1'",
    );
    expect(rows).toEqual([{ processing_type: "dog_profiler", model: "m" }]);
  });

  it("does not serve expired rows, and purges them", async () => {
    let nowMs = Date.now();
    const { logger } = capturingLogger();
    const first = createLayeredResultCache({ db: t.db, logger, now: () => nowMs }, OPTIONS);
    await first.getOrCompute("old", counter("v").compute, META);
    await first.flush();
    nowMs += 61_000;
    const second = createLayeredResultCache({ db: t.db, logger, now: () => nowMs }, OPTIONS);
    const c = counter("fresh");
    expect(await second.getOrCompute("old", c.compute, META)).toEqual({
      value: "fresh",
      hit: false,
    });
    // The recompute replaced the row with a fresh expiry.
    await second.flush();
    expect(await countCachedResponses(t.db, new Date(nowMs))).toBe(1);
    expect(await purgeExpiredCachedResponses(t.db, new Date(nowMs + 120_000))).toBe(1);
    expect(await countCachedResponses(t.db, new Date(nowMs))).toBe(0);
  });

  it("reads keys asked for together in one statement, hits and misses alike", async () => {
    const { logger } = capturingLogger();
    const writer = createLayeredResultCache({ db: t.db, logger }, { ...OPTIONS, maxSize: 10 });
    for (const key of ["a", "b", "c"]) await writer.getOrCompute(key, counter(key).compute, META);
    await writer.flush();
    let reads = 0;
    const counted: Queryable = {
      query: (sql, params) => {
        if (sql.includes("FROM llm_cache")) reads += 1;
        return t.db.query(sql, params);
      },
      exec: (sql) => t.db.exec(sql),
    };
    const reader = createLayeredResultCache({ db: counted, logger }, { ...OPTIONS, maxSize: 10 });
    const c = counter("computed");
    const results = await Promise.all(
      ["a", "b", "c", "x", "y"].map((key) => reader.getOrCompute(key, c.compute, META)),
    );
    expect(results.map((r) => r.hit)).toEqual([true, true, true, false, false]);
    expect(results.slice(0, 3).map((r) => r.value)).toEqual(["a", "b", "c"]);
    expect(c.calls()).toBe(2);
    expect(reads).toBe(1);
    // Its own writes (x, y) land now, not in the next test's empty table.
    await reader.flush();
  });

  it("returns a computed answer only once its row is in the table, rows arriving together in one write", async () => {
    // What a kill -9 right after getOrCompute returns finds: the answer already stored, so
    // the caller may give its call slot back (issue 15: lost calls per kill ≤ the window).
    let writes = 0;
    const counted: Queryable = {
      query: (sql, params) => {
        if (sql.includes("INSERT INTO llm_cache")) writes += 1;
        return t.db.query(sql, params);
      },
      exec: (sql) => t.db.exec(sql),
    };
    const cache = createLayeredResultCache(
      { db: counted, logger: capturingLogger().logger },
      { ...OPTIONS, maxSize: 10 },
    );
    const stored = (key: string) =>
      t.db
        .query<{ n: number }>("SELECT count(*)::int AS n FROM llm_cache WHERE cache_key = $1", [
          key,
        ])
        .then((rows) => rows[0]!.n);
    const first = await cache.getOrCompute("w1", counter("one").compute, META);
    expect(first).toEqual({ value: "one", hit: false });
    expect(await stored("w1")).toBe(1);
    expect(writes).toBe(1);
    const keys = ["w2", "w3", "w4", "w5"];
    await Promise.all(
      keys.map(async (key) => {
        await cache.getOrCompute(key, counter(key).compute, META);
        expect(await stored(key)).toBe(1);
      }),
    );
    // Group commit: the four answers computed in the same tick share one statement.
    expect(writes).toBe(2);
  });

  it("does not write non-cacheable results to the table", async () => {
    const cache = createLayeredResultCache({ db: t.db, logger: capturingLogger().logger }, OPTIONS);
    await cache.getOrCompute("bad", counter("rejected", false).compute, META);
    await cache.flush();
    expect(await countCachedResponses(t.db, new Date())).toBe(0);
  });
});
