// Simulated provider latency: fixed, or log-normal (real LLM latencies are right-skewed),
// drawn from a seedable PRNG so benchmark runs are repeatable.

/** Fixed milliseconds, or a log-normal distribution given by its median and sigma (of ln ms). */
export type LatencySpec = number | { readonly medianMs: number; readonly sigma: number };

/** mulberry32: a tiny, well-known 32-bit PRNG; uniform in [0, 1). */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a sampler of delays in ms for the spec (0 when none). */
export function createLatencySampler(
  spec: LatencySpec | undefined,
  random: () => number,
): () => number {
  if (spec === undefined) return () => 0;
  if (typeof spec === "number") return () => Math.max(0, spec);
  const mu = Math.log(Math.max(spec.medianMs, 0.001));
  return () => {
    // Box–Muller: one standard normal from two uniforms.
    const u1 = Math.max(random(), Number.EPSILON);
    const u2 = random();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.exp(mu + spec.sigma * z);
  };
}
