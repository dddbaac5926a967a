// Deterministic, weighted arm assignment: an animal's bucket (0..9999) comes from a hash of
// (experiment, animal), and each arm owns a range of buckets in proportion to its weight.
// The same bucket is computed in SQL by llm_experiment_bucket() (migration 012), which is
// what the pipeline uses; test/db/experiments.test.ts keeps the two equal.
import { createHash } from "node:crypto";

export const BUCKETS = 10_000;

export function experimentBucket(experimentId: number, animalId: number): number {
  const hex = createHash("sha256").update(`${experimentId}:${animalId}`, "utf8").digest("hex");
  return Number.parseInt(hex.slice(0, 8), 16) % BUCKETS;
}

export interface BucketRange {
  /** First bucket of the arm. */
  readonly start: number;
  /** One past its last bucket. */
  readonly end: number;
}

/** Consecutive ranges covering 0..9999 in proportion to `weights` (all > 0). */
export function bucketRanges(weights: readonly number[]): BucketRange[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let cumulative = 0;
  let start = 0;
  return weights.map((w) => {
    cumulative += w;
    const end = Math.round((cumulative / total) * BUCKETS);
    const range = { start, end };
    start = end;
    return range;
  });
}

/** The index of the arm whose range holds the animal's bucket. */
export function assignArm(
  experimentId: number,
  animalId: number,
  ranges: readonly BucketRange[],
): number {
  const bucket = experimentBucket(experimentId, animalId);
  const index = ranges.findIndex((r) => bucket >= r.start && bucket < r.end);
  return index === -1 ? ranges.length - 1 : index;
}
