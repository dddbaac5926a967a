// One gate every LLM attempt passes through: when the provider answers 429, the gate closes
// for Retry-After so that all calls pause, not just the one that saw it.

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

export interface ProviderGate {
  /** Resolves when calls may go out (immediately unless a 429 paused them). */
  wait(signal?: AbortSignal): Promise<void>;
  /** Closes the gate for `ms` and tells every listener. */
  pause(ms: number): void;
  /** Listeners hear about every pause (the adaptive window shrinks on them). */
  onPause(listener: (ms: number) => void): () => void;
}

export function createProviderGate(
  options: { now?: () => number; sleep?: Sleep } = {},
): ProviderGate {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  let pausedUntil = 0;
  const listeners = new Set<(ms: number) => void>();
  return {
    async wait(signal) {
      while (now() < pausedUntil && !signal?.aborted) await sleep(pausedUntil - now(), signal);
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
      for (const listener of listeners) listener(ms);
    },
    onPause(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
