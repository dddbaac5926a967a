// The shared provider gate across several "workers", each with its own Redis connection.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisProviderGate } from "../../src/jobs/redis-provider-gate.js";
import { maxInWindow } from "../../src/testing/max-in-window.js";
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from "./support/test-redis.js";

describe.skipIf(!TEST_REDIS_URL)("redis provider gate", () => {
  const url = TEST_REDIS_URL ?? "";
  const prefix = uniquePrefix("gate");
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(url);
    connections.push(redis);
    return redis;
  };
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await dropPrefix(url, prefix);
  });

  it("lets at most R attempts per second through across all gates together", async () => {
    const rps = 40;
    const keyPrefix = `${prefix}:rate`;
    const gates = [0, 1, 2].map(() =>
      createRedisProviderGate({ redis: connect(), keyPrefix, requestsPerSecond: rps }),
    );
    const passed: number[] = [];
    const started = Date.now();
    // Each gate has many callers waiting at once, as a worker's call window would.
    await Promise.all(
      gates.flatMap((gate) =>
        Array.from({ length: 30 }, async () => {
          await gate.beforeAttempt();
          passed.push(Date.now());
        }),
      ),
    );
    const elapsedMs = Date.now() - started;
    expect(passed).toHaveLength(90);
    // Timers fire a few ms late at random, which can squeeze one extra pass into a window.
    expect(maxInWindow(passed, 1000)).toBeLessThanOrEqual(Math.ceil(rps * 1.1));
    // 90 slots 25 ms apart: about 2.2 s; the limit is not met by being much slower either.
    expect(elapsedMs).toBeGreaterThanOrEqual(2000);
    expect(elapsedMs).toBeLessThan(4000);
  });

  it("callers woken late by a stalled process take a new slot instead of bursting", async () => {
    const rps = 20;
    const gate = createRedisProviderGate({
      redis: connect(),
      keyPrefix: `${prefix}:stall`,
      requestsPerSecond: rps,
    });
    const passed: number[] = [];
    const callers = Array.from({ length: 40 }, async () => {
      await gate.beforeAttempt();
      passed.push(Date.now());
    });
    // A GC pause or a long synchronous stretch: the callers whose slots fall inside it
    // wake together at its end. Sending them all then would crowd the next second.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stallEnd = Date.now() + 500;
    while (Date.now() < stallEnd) {
      // busy: the event loop is blocked
    }
    await Promise.all(callers);
    expect(passed).toHaveLength(40);
    expect(maxInWindow(passed, 1000)).toBeLessThanOrEqual(Math.ceil(rps * 1.1));
  });

  it("a 429 seen by one gate pauses every gate for Retry-After", async () => {
    const keyPrefix = `${prefix}:pause`;
    const pauses: number[] = [];
    const a = createRedisProviderGate({
      redis: connect(),
      keyPrefix,
      onPause: (ms) => pauses.push(ms),
    });
    const b = createRedisProviderGate({ redis: connect(), keyPrefix });
    const t0 = Date.now();
    await b.beforeAttempt();
    expect(Date.now() - t0).toBeLessThan(200);

    a.onRateLimited(400);
    // The pause is written asynchronously; wait until this process has heard it took effect.
    while (pauses.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const t1 = Date.now();
    await b.beforeAttempt();
    expect(Date.now() - t1).toBeGreaterThanOrEqual(300);
    expect(pauses).toEqual([400]);

    // A shorter Retry-After never shortens a longer pause.
    a.onRateLimited(600);
    a.onRateLimited(50);
    while (pauses.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const t2 = Date.now();
    await b.beforeAttempt();
    expect(Date.now() - t2).toBeGreaterThanOrEqual(450);
  });

  it("close() wakes waiting callers", async () => {
    const keyPrefix = `${prefix}:close`;
    const gate = createRedisProviderGate({ redis: connect(), keyPrefix });
    gate.onRateLimited(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = gate.beforeAttempt();
    gate.close();
    await expect(waiting).rejects.toThrow();
  });
});
