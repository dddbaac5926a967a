// The experiment report: per-arm metrics, each arm against the control with a 95% interval,
// and a plain verdict. Pure: the store reads the observations, the edges print the result.
import {
  bootstrapMeanDifference,
  mean,
  proportionDifference,
  wilsonInterval,
  type Difference,
  type Interval,
} from "./experiment-statistics.js";
import { CONTROL_ARM, type ArmItemObservation, type Experiment } from "./experiment-types.js";

type Observation = ArmItemObservation;

interface RateMetric {
  readonly kind: "rate";
  readonly key: string;
  readonly label: string;
  /** Which direction is better for the rescue. */
  readonly better: "higher" | "lower";
  /** Items the rate is over, and whether each counts. */
  readonly counts: (o: Observation) => boolean | null;
}

interface MeanMetric {
  readonly kind: "mean";
  readonly key: string;
  readonly label: string;
  readonly better: "higher" | "lower";
  readonly unit: "tokens" | "usd" | "ms" | "share";
  readonly value: (o: Observation) => number | null;
}

export type MetricDefinition = RateMetric | MeanMetric;

const reviewed = (o: Observation) => o.review !== null;

/** Every metric the report shows, in its order. */
export const EXPERIMENT_METRICS: readonly MetricDefinition[] = [
  {
    kind: "rate",
    key: "approval_rate",
    label: "approval",
    better: "higher",
    counts: (o) => (reviewed(o) ? o.review === "approved" : null),
  },
  {
    kind: "rate",
    key: "edit_rate",
    label: "edit rate",
    better: "lower",
    counts: (o) => (reviewed(o) ? o.review === "edited" : null),
  },
  {
    kind: "rate",
    key: "final_success_rate",
    label: "final success",
    better: "higher",
    counts: (o) => o.succeeded,
  },
  {
    kind: "rate",
    key: "first_answer_pass_rate",
    label: "first-answer guard pass",
    better: "higher",
    counts: (o) => o.firstAnswerPassed,
  },
  {
    kind: "rate",
    key: "reask_rate",
    label: "re-ask rate",
    better: "lower",
    counts: (o) => (o.firstAnswerPassed === null ? null : o.reasked),
  },
  {
    kind: "rate",
    key: "verification_rejection_rate",
    label: "verification rejection",
    better: "lower",
    counts: (o) => (o.firstAnswerPassed === null ? null : o.verificationRejected),
  },
  {
    kind: "mean",
    key: "cost_usd_per_item",
    label: "cost per item",
    better: "lower",
    unit: "usd",
    value: (o) => o.costUsd,
  },
  {
    kind: "mean",
    key: "tokens_per_item",
    label: "tokens per item",
    better: "lower",
    unit: "tokens",
    value: (o) => o.tokens,
  },
  {
    kind: "mean",
    key: "latency_ms_per_item",
    label: "latency per item",
    better: "lower",
    unit: "ms",
    value: (o) => o.latencyMs,
  },
  {
    kind: "mean",
    key: "edit_size",
    label: "edit size",
    better: "lower",
    unit: "share",
    value: (o) => (o.review === "edited" ? o.editSize : null),
  },
  {
    kind: "mean",
    key: "time_to_review_ms",
    label: "time to review",
    better: "lower",
    unit: "ms",
    value: (o) => o.timeToReviewMs,
  },
];

export interface ArmMetricValue {
  readonly key: string;
  /** Observations the value is over. */
  readonly n: number;
  /** A rate's share (0..1) or a mean. */
  readonly value: number;
  /** Wilson interval for a rate; absent for a mean. */
  readonly interval?: Interval;
}

export interface ArmReport {
  readonly name: string;
  readonly promptVersion: string;
  readonly items: number;
  readonly reviewed: number;
  readonly metrics: readonly ArmMetricValue[];
}

export interface MetricComparison extends Difference {
  readonly key: string;
  readonly nControl: number;
  readonly nArm: number;
  /** The difference is significant and in the better direction. */
  readonly better: boolean;
  readonly worse: boolean;
}

export interface ArmComparison {
  readonly arm: string;
  readonly metrics: readonly MetricComparison[];
  /** e.g. "warm: +8.1 points approval, 95% CI +2.0…+14.2, n=412/409". */
  readonly headline: string;
}

export interface ExperimentReport {
  readonly experiment: Experiment;
  readonly arms: readonly ArmReport[];
  readonly comparisons: readonly ArmComparison[];
  /** The metric the verdict rests on: approval once dogs are reviewed, else final success. */
  readonly primaryMetric: string;
  /** Which arm to keep, in one or two plain sentences. */
  readonly verdict: string;
}

function armMetrics(observations: readonly Observation[]): ArmMetricValue[] {
  return EXPERIMENT_METRICS.map((metric) => {
    if (metric.kind === "rate") {
      const counted = observations.map(metric.counts).filter((c): c is boolean => c !== null);
      const successes = counted.filter(Boolean).length;
      return {
        key: metric.key,
        n: counted.length,
        value: counted.length === 0 ? 0 : successes / counted.length,
        interval: wilsonInterval(successes, counted.length),
      };
    }
    const values = observations.map(metric.value).filter((v): v is number => v !== null);
    return { key: metric.key, n: values.length, value: mean(values) };
  });
}

function compare(
  metric: MetricDefinition,
  control: readonly Observation[],
  arm: readonly Observation[],
  seed: number,
): MetricComparison {
  let difference: Difference;
  let nControl: number;
  let nArm: number;
  if (metric.kind === "rate") {
    const side = (obs: readonly Observation[]) => {
      const counted = obs.map(metric.counts).filter((c): c is boolean => c !== null);
      return { successes: counted.filter(Boolean).length, n: counted.length };
    };
    const c = side(control);
    const a = side(arm);
    difference = proportionDifference(c, a);
    nControl = c.n;
    nArm = a.n;
  } else {
    const values = (obs: readonly Observation[]) =>
      obs.map(metric.value).filter((v): v is number => v !== null);
    const c = values(control);
    const a = values(arm);
    difference = bootstrapMeanDifference(c, a, { seed });
    nControl = c.length;
    nArm = a.length;
  }
  const up = difference.significant && difference.low > 0;
  const down = difference.significant && difference.high < 0;
  return {
    key: metric.key,
    ...difference,
    nControl,
    nArm,
    better: metric.better === "higher" ? up : down,
    worse: metric.better === "higher" ? down : up,
  };
}

const signed = (value: number, digits: number) =>
  `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(digits)}`;

/** How a difference reads: points for rates, the unit for means. */
export function describeDifference(metric: MetricDefinition, d: Difference): string {
  if (metric.kind === "rate") {
    return `${signed(d.difference * 100, 1)} points ${metric.label}, 95% CI ${signed(d.low * 100, 1)}…${signed(d.high * 100, 1)}`;
  }
  const format = (v: number) => {
    if (!Number.isFinite(v)) return v > 0 ? "+∞" : "−∞";
    switch (metric.unit) {
      case "usd":
        return `${signed(v, 6)} USD`;
      case "tokens":
        return `${signed(v, 0)} tokens`;
      case "ms":
        return `${signed(v, 0)} ms`;
      case "share":
        return `${signed(v * 100, 1)}%`;
    }
  };
  return `${format(d.difference)} ${metric.label}, 95% CI ${format(d.low)}…${format(d.high)}`;
}

export function metricDefinition(key: string): MetricDefinition {
  const found = EXPERIMENT_METRICS.find((m) => m.key === key);
  if (!found) throw new Error(`unknown metric ${key}`);
  return found;
}

export function buildExperimentReport(
  experiment: Experiment,
  observations: readonly Observation[],
): ExperimentReport {
  const byArm = new Map<string, Observation[]>(experiment.arms.map((a) => [a.name, []]));
  for (const o of observations) byArm.get(o.arm)?.push(o);
  const of = (name: string) => byArm.get(name) ?? [];
  const arms: ArmReport[] = experiment.arms.map((arm) => ({
    name: arm.name,
    promptVersion: arm.promptVersion,
    items: of(arm.name).length,
    reviewed: of(arm.name).filter(reviewed).length,
    metrics: armMetrics(of(arm.name)),
  }));
  const control = of(CONTROL_ARM);
  const anyReviewed = observations.some(reviewed);
  const primaryMetric = anyReviewed ? "approval_rate" : "final_success_rate";
  const primary = metricDefinition(primaryMetric);
  const comparisons: ArmComparison[] = experiment.arms
    .filter((a) => a.name !== CONTROL_ARM)
    .map((arm) => {
      const metrics = EXPERIMENT_METRICS.map((m, i) =>
        compare(m, control, of(arm.name), experiment.id * 1000 + i),
      );
      const main = metrics.find((m) => m.key === primaryMetric)!;
      return {
        arm: arm.name,
        metrics,
        headline: `${arm.name}: ${describeDifference(primary, main)}, n=${main.nArm}/${main.nControl}`,
      };
    });
  return {
    experiment,
    arms,
    comparisons,
    primaryMetric,
    verdict: verdictOf(comparisons, primaryMetric, anyReviewed),
  };
}

function verdictOf(
  comparisons: readonly ArmComparison[],
  primaryMetric: string,
  anyReviewed: boolean,
): string {
  if (comparisons.length === 0) return "The experiment has no arm besides the control.";
  const primary = metricDefinition(primaryMetric);
  const winners = comparisons.filter((c) => c.metrics.find((m) => m.key === primaryMetric)!.better);
  const basis = anyReviewed
    ? ""
    : " No dog has been reviewed yet, so this rests on final success, not approval.";
  const cost = (c: ArmComparison) => {
    const m = c.metrics.find((x) => x.key === "cost_usd_per_item")!;
    return m.significant
      ? ` It ${m.difference > 0 ? "costs more" : "costs less"}: ${describeDifference(metricDefinition("cost_usd_per_item"), m)}.`
      : "";
  };
  if (winners.length > 0) {
    const best = [...winners].sort(
      (a, b) =>
        b.metrics.find((m) => m.key === primaryMetric)!.difference -
        a.metrics.find((m) => m.key === primaryMetric)!.difference,
    )[0]!;
    return `Keep ${best.arm}: ${best.headline}; the interval is above 0, so ${best.arm} is better on ${primary.label} than the control.${cost(best)}${basis}`;
  }
  const losers = comparisons.filter((c) => c.metrics.find((m) => m.key === primaryMetric)!.worse);
  if (losers.length === comparisons.length) {
    return `Keep control: ${losers.map((c) => c.headline).join("; ")}; the interval is below 0, so the control is better on ${primary.label}.${basis}`;
  }
  return `No clear difference yet: ${comparisons.map((c) => c.headline).join("; ")}; the interval includes 0. Keep control, or collect more ${anyReviewed ? "reviews" : "results"} before deciding.${basis}`;
}
