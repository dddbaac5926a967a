// The one retry function for LLM calls (per-call retries; per-job attempts live in src/jobs
// and multiply with these). p-retry runs the loop and the abort handling; we supply the delay
// ourselves so it can use full jitter, honour Retry-After, and be driven by an injected sleep.
import pRetry from "p-retry";
import { LlmError } from "../errors.js";
import { sleep as timerSleep, type Sleep } from "../sleep.js";

export interface RetryOptions {
  /** Attempts in total, the first included (LLM_RETRY_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** Cap of the first backoff window (LLM_RETRY_BASE_DELAY). */
  readonly baseDelayMs: number;
  /** Largest backoff window (LLM_RETRY_MAX_DELAY); a longer Retry-After still wins. */
  readonly maxDelayMs: number;
}

export interface RetryDeps {
  /** Waits `ms`; rejects with the signal's reason when it aborts. Tests inject a recorder. */
  readonly sleep?: Sleep;
  /** Uniform in [0, 1); tests inject a constant. */
  readonly random?: () => number;
  readonly signal?: AbortSignal;
  /** Called before each wait with the failed attempt's number (1-based), its error and the wait. */
  readonly onRetry?: (info: { attempt: number; error: LlmError; delayMs: number }) => void;
}

/**
 * Full-jitter exponential backoff: a uniform wait in [0, min(max, base·2^retry)], but never
 * shorter than the provider's Retry-After.
 */
export function backoffDelayMs(
  options: RetryOptions,
  retryIndex: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const window = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  const jittered = Math.floor(random() * window);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * Runs `attempt` until it succeeds, throws a non-retryable error, or `maxAttempts` is spent.
 * Only an LlmError with `retryable` is retried (the adapter decides what is retryable);
 * anything else, and fatal account errors (401, 402), surface at once.
 */
export async function retryLlmCall<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions,
  deps: RetryDeps = {},
): Promise<T> {
  const sleep = deps.sleep ?? timerSleep;
  const random = deps.random ?? Math.random;
  return pRetry(attempt, {
    retries: Math.max(0, options.maxAttempts - 1),
    // p-retry's own wait is switched off: shouldRetry below waits with our delay.
    minTimeout: 0,
    maxTimeout: 0,
    ...(deps.signal ? { signal: deps.signal } : {}),
    // Called only when a retry is still allowed, so we never wait after the last attempt.
    shouldRetry: async ({ error, attemptNumber, retriesConsumed }) => {
      if (!(error instanceof LlmError) || !error.retryable) return false;
      const delayMs = backoffDelayMs(options, retriesConsumed, random, error.retryAfterMs);
      deps.onRetry?.({ attempt: attemptNumber, error, delayMs });
      await sleep(delayMs, deps.signal);
      return true;
    },
  });
}
