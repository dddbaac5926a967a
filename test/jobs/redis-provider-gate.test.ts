// The shared provider gate across several "workers", each with its own Redis connection.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisProviderGate } from "../../src/jobs/redis-provider-gate.js";
import { sleep } from "../../src/sleep.js";
import { maxInWindow } from "../../src/testing/max-in-window.js";
import { waitFor } from "../support/wait-for.js";
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
    // Each gate has many callers waiting at once, as a worker's call window would.
    await Promise.all(
      gates.flatMap((gate) =>
        Array.from({ length: 30 }, async () => {
          await gate.beforeAttempt();
          passed.push(Date.now());
        }),
      ),
    );
    expect(passed).toHaveLength(90);
    // Counted per one-second window: timers fire a few ms late at random, which can squeeze
    // one extra pass into a window; three unshared gates would let 3R through.
    expect(maxInWindow(passed, 1000)).toBeLessThanOrEqual(Math.ceil(rps * 1.1));
  });

  it("hands out slots exactly 1/R apart on Redis's clock", async () => {
    // A slow rate, so that a busy machine stalling this process for a moment does not let
    // the schedule fall idle between two callers.
    const rps = 2;
    const redis = connect();
    const keyPrefix = `${prefix}:slots`;
    const gate = createRedisProviderGate({ redis, keyPrefix, requestsPerSecond: rps });
    const slots: number[] = [];
    for (let i = 0; i < 4; i++) {
      await gate.beforeAttempt();
      slots.push(Number(await redis.get(`${keyPrefix}:provider:next-slot`)));
    }
    // Each reservation moves the next free slot on by exactly the interval, in µs.
    const steps = slots.slice(1).map((slot, i) => slot - slots[i]!);
    expect(steps).toEqual([500_000, 500_000, 500_000]);
  });

  it("callers woken late by a stalled process do not burst past the limit", async () => {
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
    await sleep(300);
    const stallEnd = Date.now() + 500;
    while (Date.now() < stallEnd) {
      // busy: the event loop is blocked
    }
    await Promise.all(callers);
    expect(passed).toHaveLength(40);
    expect(maxInWindow(passed, 1000)).toBeLessThanOrEqual(Math.ceil(rps * 1.1));
  });

  it("reserves slots for its next few sends only, however many calls wait", async () => {
    const rps = 10;
    const redis = connect();
    const keyPrefix = `${prefix}:ahead`;
    const gate = createRedisProviderGate({ redis, keyPrefix, requestsPerSecond: rps });
    const callers = Array.from({ length: 30 }, () => gate.beforeAttempt());
    const scheduledAheadUs = async () => {
      const [seconds, micros] = (await redis.time()) as [number | string, number | string];
      const nowUs = Number(seconds) * 1e6 + Number(micros);
      return Number(await redis.get(`${keyPrefix}:provider:next-slot`)) - nowUs;
    };
    try {
      // Two slots held (100 ms apart) and the one after them: never 30 slots ahead. A process
      // that stalls holds up two slots, not one per waiting call.
      await callers[0];
      expect(await scheduledAheadUs()).toBeLessThanOrEqual(3 * 100_000 + 50_000);
      await callers[4];
      expect(await scheduledAheadUs()).toBeLessThanOrEqual(3 * 100_000 + 50_000);
    } finally {
      gate.close();
    }
    await Promise.allSettled(callers);
  });

  it("a send waits while the last second is full, then goes without queueing again", async () => {
    const rps = 5;
    const redis = connect();
    const keyPrefix = `${prefix}:full`;
    const sendsKey = `${keyPrefix}:provider:sends`;
    // Another worker sent 5 requests just now (recorded on Redis's clock, as the gate does).
    const [seconds, micros] = (await redis.time()) as [number | string, number | string];
    const nowUs = Number(seconds) * 1e6 + Number(micros);
    for (let i = 0; i < rps; i++) await redis.zadd(sendsKey, nowUs, `other-${i}`);
    const gate = createRedisProviderGate({ redis, keyPrefix, requestsPerSecond: rps });
    const startedAt = performance.now();
    await gate.beforeAttempt();
    const waitedMs = performance.now() - startedAt;
    // Not before those five leave the window (1 s after them, less the set-up's few ms).
    expect(waitedMs).toBeGreaterThanOrEqual(900);
    expect(gate.stats()).toEqual({ slotsReserved: 1, fullSecondWaits: 1 });
    expect(await redis.zcard(sendsKey)).toBe(1); // the others left the window; ours is in it
  });

  it("a 429 seen by one gate pauses every gate for Retry-After", async () => {
    const keyPrefix = `${prefix}:pause`;
    const pauseKey = `${keyPrefix}:provider:paused`;
    const redis = connect();
    const pauses: number[] = [];
    const a = createRedisProviderGate({
      redis: connect(),
      keyPrefix,
      onPause: (ms) => pauses.push(ms),
    });
    const b = createRedisProviderGate({ redis: connect(), keyPrefix });
    await b.beforeAttempt();
    expect(await redis.pttl(pauseKey)).toBeLessThan(0); // nothing paused: it passed at once

    a.onRateLimited(400);
    // The pause is written asynchronously; wait until this process has heard it took effect.
    await waitFor(() => pauses.length === 1, 60_000, "the pause to take effect");
    expect(await redis.pttl(pauseKey)).toBeGreaterThan(0);
    await b.beforeAttempt();
    // b went through only once the shared pause had run out (0: under a millisecond left).
    expect(await redis.pttl(pauseKey)).toBeLessThanOrEqual(0);
    expect(pauses).toEqual([400]);

    // A shorter Retry-After never shortens a longer pause.
    a.onRateLimited(60_000);
    a.onRateLimited(50);
    await waitFor(() => pauses.length === 3, 60_000, "both pauses to be recorded");
    expect(await redis.pttl(pauseKey)).toBeGreaterThan(50_000);
    await redis.del(pauseKey);
  });

  it("close() wakes waiting callers", async () => {
    const keyPrefix = `${prefix}:close`;
    const pauses: number[] = [];
    const gate = createRedisProviderGate({
      redis: connect(),
      keyPrefix,
      onPause: (ms) => pauses.push(ms),
    });
    gate.onRateLimited(10_000);
    await waitFor(() => pauses.length === 1, 60_000, "the pause to take effect");
    const waiting = gate.beforeAttempt();
    gate.close();
    await expect(waiting).rejects.toThrow();
  });
});
