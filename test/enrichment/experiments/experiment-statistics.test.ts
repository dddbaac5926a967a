// The report's statistics against published values (Newcombe 1998), and by simulation: two
// identical arms are called different about 5% of the time; a real difference is found with
// the right sign.
import { describe, expect, it } from "vitest";
import { assignArm, bucketRanges } from "../../../src/enrichment/experiments/assign-arm.js";
import {
  buildExperimentReport,
  type ExperimentReport,
} from "../../../src/enrichment/experiments/experiment-report.js";
import {
  bootstrapMeanDifference,
  proportionDifference,
  seededRandom,
  wilsonInterval,
} from "../../../src/enrichment/experiments/experiment-statistics.js";
import type {
  ArmItemObservation,
  Experiment,
} from "../../../src/enrichment/experiments/experiment-types.js";

describe("Wilson and Newcombe intervals", () => {
  // Newcombe, "Two-sided confidence intervals for the single proportion" (1998), method 3.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
  ])("Wilson %i/%i is %f…%f", (x, n, low, high) => {
    const w = wilsonInterval(x, n);
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
  });

  // Newcombe, "Interval estimation for the difference between independent proportions"
  // (1998), method 10: 56/70 − 48/80 and 9/10 − 3/10.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
  ])("difference %i/%i − %i/%i is %f…%f", (x2, n2, x1, n1, low, high) => {
    const d = proportionDifference({ successes: x1, n: n1 }, { successes: x2, n: n2 });
    expect(d.low).toBeCloseTo(low, 4);
    expect(d.high).toBeCloseTo(high, 4);
    expect(d.significant).toBe(true);
    // Swapping the sides flips the sign.
    const swapped = proportionDifference({ successes: x2, n: n2 }, { successes: x1, n: n1 });
    expect(swapped.low).toBeCloseTo(-d.high, 12);
    expect(swapped.high).toBeCloseTo(-d.low, 12);
  });

  it("is never significant with no observation on a side", () => {
    expect(proportionDifference({ successes: 0, n: 0 }, { successes: 9, n: 10 }).significant).toBe(
      false,
    );
  });
});

function binomialSample(random: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

describe("false positives and power (seeded simulation)", () => {
  it("two identical arms differ significantly in about 5% of experiments", () => {
    const random = seededRandom(2026);
    const runs = 4000;
    let positives = 0;
    for (let r = 0; r < runs; r++) {
      const n = 150 + Math.floor(random() * 300);
      const p = 0.3 + random() * 0.5;
      const d = proportionDifference(
        { successes: binomialSample(random, n, p), n },
        { successes: binomialSample(random, n, p), n },
      );
      if (d.significant) positives++;
    }
    const rate = positives / runs;
    // 4000 runs: the rate's own standard error is about 0.35 points.
    expect(rate).toBeGreaterThan(0.035);
    expect(rate).toBeLessThan(0.065);
  });

  it("finds a 15-point drop in 400 items per arm, with the right sign, nearly always", () => {
    const random = seededRandom(7);
    let found = 0;
    let wrongSign = 0;
    for (let r = 0; r < 500; r++) {
      const d = proportionDifference(
        { successes: binomialSample(random, 400, 0.8), n: 400 },
        { successes: binomialSample(random, 400, 0.65), n: 400 },
      );
      if (d.significant && d.high < 0) found++;
      if (d.significant && d.low > 0) wrongSign++;
    }
    expect(found / 500).toBeGreaterThan(0.95);
    expect(wrongSign).toBe(0);
  });

  it("bootstrap of identical cost distributions is significant in about 5% of experiments", () => {
    const random = seededRandom(99);
    const runs = 300;
    let positives = 0;
    const draw = (n: number) =>
      Array.from({ length: n }, () => 0.0004 + 0.0002 * -Math.log(1 - random()));
    for (let r = 0; r < runs; r++) {
      const d = bootstrapMeanDifference(draw(120), draw(120), { resamples: 500, seed: r });
      if (d.significant) positives++;
    }
    // 300 runs: a 95% band around 5% is about 2.5…7.5%.
    expect(positives / runs).toBeGreaterThan(0.02);
    expect(positives / runs).toBeLessThan(0.09);
  });

  it("bootstrap finds a higher cost with the right sign and is reproducible by seed", () => {
    const random = seededRandom(5);
    const control = Array.from({ length: 200 }, () => 0.001 + 0.0002 * random());
    const arm = Array.from({ length: 200 }, () => 0.0012 + 0.0002 * random());
    const d = bootstrapMeanDifference(control, arm, { seed: 3 });
    expect(d.difference).toBeCloseTo(0.0002, 4);
    expect(d.low).toBeGreaterThan(0);
    expect(d.significant).toBe(true);
    expect(bootstrapMeanDifference(control, arm, { seed: 3 })).toEqual(d);
  });
});

describe("weighted assignment", () => {
  it("splits animals by the weights and keeps an animal's arm", () => {
    const ranges = bucketRanges([70, 30]);
    expect(ranges).toEqual([
      { start: 0, end: 7000 },
      { start: 7000, end: 10000 },
    ]);
    const counts = [0, 0];
    for (let animal = 1; animal <= 20_000; animal++) counts[assignArm(4, animal, ranges)]! += 1;
    expect(counts[0]! / 20_000).toBeGreaterThan(0.68);
    expect(counts[0]! / 20_000).toBeLessThan(0.72);
    expect(assignArm(4, 123, ranges)).toBe(assignArm(4, 123, ranges));
  });

  it("assigns independently per experiment", () => {
    const ranges = bucketRanges([50, 50]);
    let same = 0;
    for (let animal = 1; animal <= 4000; animal++) {
      if (assignArm(1, animal, ranges) === assignArm(2, animal, ranges)) same++;
    }
    expect(same / 4000).toBeGreaterThan(0.45);
    expect(same / 4000).toBeLessThan(0.55);
  });
});

const experiment: Experiment = {
  id: 1,
  name: "warmer-bio",
  processingType: "dog_profiler",
  organizationId: null,
  status: "running",
  arms: [
    {
      name: "control",
      weight: 50,
      bucketStart: 0,
      bucketEnd: 5000,
      promptVersion: "dog_profiler@e1.control",
      systemText: null,
      temperature: null,
      model: null,
      sourceFile: null,
    },
    {
      name: "warm",
      weight: 50,
      bucketStart: 5000,
      bucketEnd: 10000,
      promptVersion: "dog_profiler@e1.warm",
      systemText: "Be warm.",
      temperature: null,
      model: null,
      sourceFile: "prompts/dog-profiler-warm.txt",
    },
  ],
  promotedArm: null,
  promotedPromptVersion: null,
  createdAt: new Date(0),
  startedAt: new Date(0),
  stoppedAt: null,
};

function observations(arm: string, n: number, approve: number, random: () => number) {
  return Array.from({ length: n }, (): ArmItemObservation => ({
    arm,
    firstAnswerPassed: true,
    reasked: false,
    verificationRejected: false,
    succeeded: true,
    tokens: 1000,
    costUsd: 0.001,
    latencyMs: 500,
    review: random() < approve ? "approved" : "rejected",
    editSize: null,
    timeToReviewMs: 60_000,
  }));
}

describe("report and verdict", () => {
  const reportOf = (approveControl: number, approveWarm: number): ExperimentReport => {
    const random = seededRandom(11);
    return buildExperimentReport(experiment, [
      ...observations("control", 400, approveControl, random),
      ...observations("warm", 400, approveWarm, random),
    ]);
  };

  it("says to keep the arm that is approved more often, with its interval", () => {
    const report = reportOf(0.6, 0.75);
    expect(report.primaryMetric).toBe("approval_rate");
    expect(report.comparisons[0]!.headline).toMatch(
      /^warm: \+\d+\.\d points approval, 95% CI \+\d+\.\d…\+\d+\.\d, n=400\/400$/,
    );
    expect(report.verdict).toMatch(/^Keep warm: /);
  });

  it("says to keep the control when the arm is worse", () => {
    expect(reportOf(0.75, 0.6).verdict).toMatch(/^Keep control: warm: −/);
  });

  it("says there is no clear difference between equal arms", () => {
    expect(reportOf(0.7, 0.7).verdict).toMatch(/^No clear difference yet: /);
  });

  it("rests on final success before any review", () => {
    const report = buildExperimentReport(
      experiment,
      reportOf(0.7, 0.7)
        .experiment.arms.map((a) => a.name)
        .flatMap((arm) =>
          Array.from({ length: 10 }, (_, i) => ({
            ...observations(arm, 1, 1, () => 0)[0]!,
            review: null,
            succeeded: arm === "control" || i < 9,
          })),
        ),
    );
    expect(report.primaryMetric).toBe("final_success_rate");
    expect(report.verdict).toContain("No dog has been reviewed yet");
  });
});
