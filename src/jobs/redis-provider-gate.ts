// The provider's request limit and its 429 pauses, shared by every worker through Redis.
//
// Plugged into the LLM client's hooks: `beforeAttempt` before every HTTP attempt, and
// `onRateLimited` on every provider 429. Why here and not BullMQ's limiter: BullMQ meters
// *jobs*, and one job is a chunk making 25+ LLM requests plus per-call retries, while the
// provider meters requests. Why not rate-limiter-flexible: its Redis limiter counts in
// fixed windows of whole seconds, which lets up to 2R requests through around a window
// boundary. This is GCRA-style slot scheduling (the algorithm of redis-cell): one atomic
// Lua script hands out send times 1/R apart on Redis's own clock, so no 1-s window sees
// more than R requests from all processes together, whatever their clocks say.
import { setMaxListeners } from "node:events";
import type { Redis } from "ioredis";
import { sleep } from "../sleep.js";

// Returns {1, pausedMs} while a 429 pause is on, else reserves the next free send slot and
// returns {0, waitMs} until it. Slots are kept in microseconds of Redis TIME.
const RESERVE_SLOT = `
local pausedMs = redis.call('PTTL', KEYS[2])
if pausedMs > 0 then return {1, pausedMs} end
local intervalUs = tonumber(ARGV[1])
if intervalUs <= 0 then return {0, 0} end
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slotUs = tonumber(redis.call('GET', KEYS[1]) or '0')
if slotUs < nowUs then slotUs = nowUs end
local nextUs = slotUs + intervalUs
redis.call('SET', KEYS[1], string.format('%.0f', nextUs), 'PX', math.ceil((nextUs - nowUs) / 1000) + 1000)
return {0, math.ceil((slotUs - nowUs) / 1000)}
`;

// Extends the shared pause to at least ARGV[1] ms from now; never shortens it.
const EXTEND_PAUSE = `
local wanted = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < wanted then
  redis.call('SET', KEYS[1], '1', 'PX', wanted)
  return 1
end
return 0
`;

export interface RedisProviderGateOptions {
  /** A dedicated connection is not needed; the gate only runs short commands. */
  readonly redis: Redis;
  /** Key namespace; every worker of one deployment must use the same. */
  readonly keyPrefix: string;
  /** Provider limit for all workers together; undefined = no limit, only 429 pauses. */
  readonly requestsPerSecond?: number | undefined;
  /** Upper bound for one pause, whatever Retry-After says. */
  readonly maxPauseMs?: number;
  /** Pause used when a 429 carries no Retry-After (retryAfterMs <= 0). */
  readonly defaultPauseMs?: number;
  /** Told about every pause this process starts (the worker stops taking chunks meanwhile). */
  readonly onPause?: (pauseMs: number) => void;
}

/** Matches the LLM client's hooks (`llmHooks` of openServices). */
export interface RedisProviderGate {
  beforeAttempt(): Promise<void>;
  onRateLimited(retryAfterMs: number): void;
  /** Wakes every waiting `beforeAttempt` with an AbortError. */
  close(): void;
}

export function createRedisProviderGate(options: RedisProviderGateOptions): RedisProviderGate {
  const { redis } = options;
  const slotKey = `${options.keyPrefix}:provider:next-slot`;
  const pauseKey = `${options.keyPrefix}:provider:paused`;
  const intervalUs =
    options.requestsPerSecond && options.requestsPerSecond > 0
      ? Math.round(1e6 / options.requestsPerSecond)
      : 0;
  // Ordinary timer jitter (a few ms) must not send callers to the back of the queue.
  const lateLimitMs = Math.max(intervalUs / 1000, 20);
  const maxPauseMs = options.maxPauseMs ?? 120_000;
  const defaultPauseMs = options.defaultPauseMs ?? 1_000;
  const closing = new AbortController();
  // Every waiting call listens on it; a worker has dozens waiting by design.
  setMaxListeners(0, closing.signal);

  const reserve = async (): Promise<{ paused: boolean; waitMs: number }> => {
    const [paused, waitMs] = (await redis.eval(RESERVE_SLOT, 2, slotKey, pauseKey, intervalUs)) as [
      number,
      number,
    ];
    return { paused: paused === 1, waitMs };
  };

  return {
    async beforeAttempt() {
      for (;;) {
        const { paused, waitMs } = await reserve();
        const dueAt = performance.now() + waitMs;
        if (waitMs > 0) await sleep(waitMs, closing.signal);
        if (paused) continue;
        if (waitMs === 0) return;
        // Woken more than a slot late (GC pause, busy event loop): the slots after ours are
        // still handed out on time, so sending now would crowd them. Queue again instead.
        if (performance.now() - dueAt > lateLimitMs) continue;
        // A 429 elsewhere may have started a pause while we waited for our slot.
        const pausedMs = await redis.pttl(pauseKey);
        if (pausedMs <= 0) return;
      }
    },
    onRateLimited(retryAfterMs) {
      const pauseMs = Math.min(
        maxPauseMs,
        retryAfterMs > 0 ? Math.ceil(retryAfterMs) : defaultPauseMs,
      );
      redis.eval(EXTEND_PAUSE, 1, pauseKey, pauseMs).then(
        () => options.onPause?.(pauseMs),
        // The caller's own retry policy still honours Retry-After; a lost pause only costs 429s.
        () => undefined,
      );
    },
    close() {
      closing.abort();
    },
  };
}
