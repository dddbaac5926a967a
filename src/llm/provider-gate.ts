// One gate every LLM attempt passes through. When the provider answers 429, the gate closes
// for Retry-After so that all calls pause, not just the one that saw it — and from then on
// it paces attempts at a learned rate: providers limit requests per second, so the rate is
// what to control. Each 429 marks a ceiling; the pace drops below it, climbs back quickly
// to just under it, then probes upward slowly, so 429s (each costing a whole pause) stay rare.

import { sleep as realSleep, type Sleep } from "../sleep.js";

export interface ProviderGate {
  /**
   * Resolves when the next attempt may go out: after any pause, at the learned pace.
   * Rejects with the signal's reason if it aborts first.
   */
  wait(signal?: AbortSignal): Promise<void>;
  /** Closes the gate for `ms` (a 429's Retry-After) and tells every listener. */
  pause(ms: number): void;
  /** Listeners hear about every pause (the adaptive window shrinks on them). */
  onPause(listener: (ms: number) => void): () => void;
  /** Attempts per second the gate currently allows; undefined until the first 429. */
  readonly ratePerSecond: number | undefined;
}

/** Pace kept after a 429, as a share of the rate that drew it. */
const CUT = 0.92;
/** Below this share of the ceiling the pace climbs fast; above it, it only probes. */
const NEAR_CEILING = 0.98;
const FAST_RAISE = 1.05;
const PROBE_RAISE = 1.001;
const RAISE_EVERY_MS = 1000;
/** 429s within this long of a cut belong to the same burst. */
const CUT_COOLDOWN_MS = 2000;
/** Attempt starts are counted over this window to learn the first ceiling. */
const OBSERVE_MS = 2000;

export function createProviderGate(
  options: {
    now?: () => number;
    sleep?: Sleep;
    /**
     * Learn a pace from 429s (default true). Off where a shared gate already paces every
     * process (the workers' Redis gate): one process's own start rate is only its share of
     * the limit, and pacing at it would hold that worker below its share for good.
     */
    learnRate?: boolean;
  } = {},
): ProviderGate {
  const now = options.now ?? Date.now;
  const learnRate = options.learnRate ?? true;
  const sleep = options.sleep ?? realSleep;
  let pausedUntil = 0;
  let rate: number | undefined;
  let ceiling = Number.POSITIVE_INFINITY;
  let nextSlotAt = 0;
  let lastCutAt = Number.NEGATIVE_INFINITY;
  let lastRaiseAt = 0;
  const starts: number[] = [];
  const listeners = new Set<(ms: number) => void>();

  const raise = (at: number) => {
    if (rate === undefined || at - lastRaiseAt < RAISE_EVERY_MS) return;
    lastRaiseAt = at;
    const near = NEAR_CEILING * ceiling;
    // Climb fast but never past `near`; beyond it only probe, since the ceiling may have moved.
    rate = rate < near ? Math.min(rate * FAST_RAISE, near) : rate * PROBE_RAISE;
  };

  return {
    get ratePerSecond() {
      return rate;
    },
    async wait(signal) {
      while (now() < pausedUntil) await sleep(pausedUntil - now(), signal);
      if (rate !== undefined) {
        raise(now());
        // Reserve the next slot before sleeping, so concurrent waiters line up 1/rate apart.
        const slot = Math.max(now(), nextSlotAt);
        nextSlotAt = slot + 1000 / rate;
        if (slot > now()) await sleep(slot - now(), signal);
      }
      const at = now();
      starts.push(at);
      while (starts.length > 0 && starts[0]! < at - OBSERVE_MS) starts.shift();
    },
    pause(ms) {
      const at = now();
      pausedUntil = Math.max(pausedUntil, at + ms);
      nextSlotAt = Math.max(nextSlotAt, pausedUntil);
      if (learnRate && at - lastCutAt >= CUT_COOLDOWN_MS) {
        lastCutAt = at;
        lastRaiseAt = pausedUntil;
        const drawn =
          rate ??
          Math.max(1, starts.filter((t) => t >= at - OBSERVE_MS).length) / (OBSERVE_MS / 1000);
        ceiling = drawn;
        rate = Math.max(0.1, drawn * CUT);
      }
      for (const listener of listeners) listener(ms);
    },
    onPause(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
