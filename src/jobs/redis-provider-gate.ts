// The provider's request limit and its 429 pauses, shared by every worker through Redis.
//
// Plugged into the LLM client's hooks: `beforeAttempt` before every HTTP attempt, and
// `onRateLimited` on every provider 429. Why here and not BullMQ's limiter: BullMQ meters
// *jobs*, and one job is a chunk making 25+ LLM requests plus per-call retries, while the
// provider meters requests. Why not rate-limiter-flexible: its Redis limiter counts in
// fixed windows of whole seconds, which lets up to 2R requests through around a window
// boundary. This is GCRA-style slot scheduling (the algorithm of redis-cell): one atomic
// Lua script hands out send times 1/R apart on Redis's own clock, so no 1-s window sees
// more than R requests from all processes together, whatever their clocks say. A process
// reserves slots only for its next few sends, not one per waiting call, so a stalled worker
// with 40 calls waiting holds up two slots, not 40; and at send time a log of the last
// second's sends decides, so a holder woken late still sends when that second has room.
import { randomUUID } from "node:crypto";
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

// At send time: {1, pausedMs} while a 429 pause is on; {2, waitMs} when the last second (Redis
// TIME) already saw ARGV[1] sends, waitMs until its oldest send leaves it; else records this
// send (member ARGV[3]) and returns {0, 0}. The slots above spread sends out; this log keeps
// any one second within the limit when holders wake late or close together, so a late holder
// sends if the second has room, and otherwise waits for room instead of giving its slot up.
const CONFIRM_SEND = `
local pausedMs = redis.call('PTTL', KEYS[2])
if pausedMs > 0 then return {1, pausedMs} end
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local windowUs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowUs - windowUs)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {2, math.max(1, math.ceil((tonumber(oldest[2]) + windowUs - nowUs) / 1000))}
end
redis.call('ZADD', KEYS[1], nowUs, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(windowUs / 1000) + 1000)
return {0, 0}
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
  /**
   * Send slots this process holds at once (default 2). Slots go to the process, not to each
   * waiting call: a process whose event loop stalls holds up at most these, however many
   * calls it has waiting.
   */
  readonly slotsAhead?: number;
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
  /** Slots this process reserved, and how often a holder found the last second full and waited. */
  stats(): { readonly slotsReserved: number; readonly fullSecondWaits: number };
  /** Wakes every waiting `beforeAttempt` with an AbortError. */
  close(): void;
}

export function createRedisProviderGate(options: RedisProviderGateOptions): RedisProviderGate {
  const { redis } = options;
  const slotKey = `${options.keyPrefix}:provider:next-slot`;
  const pauseKey = `${options.keyPrefix}:provider:paused`;
  const sendsKey = `${options.keyPrefix}:provider:sends`;
  const intervalUs =
    options.requestsPerSecond && options.requestsPerSecond > 0
      ? Math.round(1e6 / options.requestsPerSecond)
      : 0;
  // Sends allowed in any one second (at least one, or a limit below 1/s would stop everything).
  const perSecond = Math.max(1, Math.floor(options.requestsPerSecond ?? 0));
  const sender = `${process.pid}-${randomUUID().slice(0, 8)}`;
  let sends = 0;
  const slotsAhead = Math.max(1, options.slotsAhead ?? 2);
  const maxPauseMs = options.maxPauseMs ?? 120_000;
  const defaultPauseMs = options.defaultPauseMs ?? 1_000;
  const closing = new AbortController();
  // Every slot holder listens on it.
  setMaxListeners(0, closing.signal);
  // Calls waiting to send, first come first served; each slot goes to the one at the head.
  const waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  let holders = 0;
  let slotsReserved = 0;
  let fullSecondWaits = 0;

  const reserve = async (): Promise<{ paused: boolean; waitMs: number }> => {
    const [paused, waitMs] = (await redis.eval(RESERVE_SLOT, 2, slotKey, pauseKey, intervalUs)) as [
      number,
      number,
    ];
    return { paused: paused === 1, waitMs };
  };

  const confirm = async (): Promise<{ state: "sent" | "paused" | "full"; waitMs: number }> => {
    sends += 1;
    const [state, waitMs] = (await redis.eval(
      CONFIRM_SEND,
      2,
      sendsKey,
      pauseKey,
      perSecond,
      1_000_000,
      `${sender}-${sends}`,
    )) as [number, number];
    return { state: state === 0 ? "sent" : state === 1 ? "paused" : "full", waitMs };
  };

  /** Resolves when this process may send one request: a slot is due and no pause is on. */
  const nextSlot = async (): Promise<void> => {
    for (;;) {
      const { paused, waitMs } = await reserve();
      if (waitMs > 0) await sleep(waitMs, closing.signal);
      if (paused) continue;
      // No limit configured: only the pause counts.
      if (intervalUs === 0) return;
      slotsReserved += 1;
      // A 429 elsewhere may have started a pause while we waited (then queue again); a
      // holder woken late (GC pause, busy or starved event loop) may find its second full.
      for (;;) {
        const { state, waitMs } = await confirm();
        if (state === "sent") return;
        if (state === "paused") break;
        fullSecondWaits += 1;
        await sleep(waitMs, closing.signal);
      }
    }
  };

  // At most `slotsAhead` holders per process, each serving the head of the queue in turn.
  const holdSlots = () => {
    while (holders < slotsAhead && holders < waiting.length) {
      holders += 1;
      void nextSlot().then(
        () => {
          holders -= 1;
          waiting.shift()?.resolve();
          holdSlots();
        },
        (error: unknown) => {
          holders -= 1;
          for (const w of waiting.splice(0)) w.reject(error);
        },
      );
    }
  };

  return {
    beforeAttempt() {
      if (closing.signal.aborted) return Promise.reject(abortError(closing.signal));
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        holdSlots();
      });
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
    stats() {
      return { slotsReserved, fullSecondWaits };
    },
    close() {
      closing.abort();
      for (const w of waiting.splice(0)) w.reject(abortError(closing.signal));
    },
  };
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException("The gate was closed", "AbortError");
}
