// How many LLM calls may be in flight: starts at LLM_BATCH_CONCURRENT, shrinks when the
// provider rate-limits us, and grows back one slot per window's worth of clean successes
// (additive increase, multiplicative decrease, as TCP does).

export interface AdaptiveWindow {
  readonly size: number;
  /** A call finished without being rate limited. */
  recordSuccess(): void;
  /** The provider answered 429. */
  recordRateLimited(): void;
}

export interface AdaptiveWindowOptions {
  readonly max: number;
  /** Fraction kept on a 429; gentle, since pauses already absorb bursts. */
  readonly decreaseFactor?: number;
  /** Ignore further 429s for this long after a shrink: they belong to the same burst. */
  readonly shrinkCooldownMs?: number;
  readonly now?: () => number;
  readonly onChange?: (size: number) => void;
}

export function createAdaptiveWindow(options: AdaptiveWindowOptions): AdaptiveWindow {
  const factor = options.decreaseFactor ?? 0.8;
  const cooldownMs = options.shrinkCooldownMs ?? 1000;
  const now = options.now ?? Date.now;
  let size = options.max;
  let successes = 0;
  let lastShrinkAt = Number.NEGATIVE_INFINITY;
  const set = (next: number) => {
    if (next === size) return;
    size = next;
    options.onChange?.(size);
  };
  return {
    get size() {
      return size;
    },
    recordSuccess() {
      successes += 1;
      if (successes >= size && size < options.max) {
        successes = 0;
        set(size + 1);
      }
    },
    recordRateLimited() {
      if (now() - lastShrinkAt < cooldownMs) return;
      lastShrinkAt = now();
      successes = 0;
      set(Math.max(1, Math.floor(size * factor)));
    },
  };
}
