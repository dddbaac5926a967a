// How many requests a provider would see in its busiest window: tests and the workers
// benchmark check rate limits against the fake OpenRouter's arrival times with it.

/** Largest number of timestamps (ms) inside any window of `windowMs`. */
export function maxInWindow(timestampsMs: readonly number[], windowMs: number): number {
  const sorted = [...timestampsMs].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
