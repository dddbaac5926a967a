// The statistics of an experiment report, written out because they are a few lines each and
// no maintained JavaScript library offers these intervals: Wilson score intervals, Newcombe's
// hybrid score interval for a difference of two proportions (Newcombe 1998, method 10), and a
// seeded percentile bootstrap for a difference of means. test/enrichment/experiments/ checks
// them against published values and checks the false-positive rate by simulation.

/** The two-sided 95% normal quantile. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface Difference extends Interval {
  /** Arm minus control. */
  readonly difference: number;
  /** The interval excludes 0. */
  readonly significant: boolean;
}

/** Wilson score interval of a proportion; [0, 1] when there is no observation. */
export function wilsonInterval(successes: number, n: number, z = Z_95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Newcombe's hybrid score interval for p_arm − p_control. With no observation on a side its
 * Wilson interval is [0, 1], so the interval is wide and never significant.
 */
export function proportionDifference(
  control: { readonly successes: number; readonly n: number },
  arm: { readonly successes: number; readonly n: number },
  z = Z_95,
): Difference {
  const p1 = control.n === 0 ? 0 : control.successes / control.n;
  const p2 = arm.n === 0 ? 0 : arm.successes / arm.n;
  const w1 = wilsonInterval(control.successes, control.n, z);
  const w2 = wilsonInterval(arm.successes, arm.n, z);
  const difference = p2 - p1;
  const low = difference - Math.sqrt((p2 - w2.low) ** 2 + (w1.high - p1) ** 2);
  const high = difference + Math.sqrt((w2.high - p2) ** 2 + (p1 - w1.low) ** 2);
  const significant = control.n > 0 && arm.n > 0 && (low > 0 || high < 0);
  return { difference, low, high, significant };
}

/** A small seeded generator (mulberry32): the same seed gives the same report. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Linear-interpolation quantile (R's type 7) of sorted values. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export interface BootstrapOptions {
  /** Resamples drawn (default 2000). */
  readonly resamples?: number;
  readonly seed?: number;
}

/** Percentile bootstrap of mean(arm) − mean(control), each side resampled on its own. */
export function bootstrapMeanDifference(
  control: readonly number[],
  arm: readonly number[],
  options: BootstrapOptions = {},
): Difference {
  const difference = mean(arm) - mean(control);
  if (control.length === 0 || arm.length === 0) {
    return { difference, low: -Infinity, high: Infinity, significant: false };
  }
  const random = seededRandom(options.seed ?? 1);
  const resamples = options.resamples ?? 2000;
  const resampledMean = (values: readonly number[]) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)]!;
    return sum / values.length;
  };
  const diffs: number[] = [];
  for (let i = 0; i < resamples; i++) diffs.push(resampledMean(arm) - resampledMean(control));
  diffs.sort((a, b) => a - b);
  const low = quantileSorted(diffs, 0.025);
  const high = quantileSorted(diffs, 0.975);
  return { difference, low, high, significant: low > 0 || high < 0 };
}
