// An experiment as `experiments list|report --json` and GET /api/llm/experiments/:id show it:
// arms with their metrics (rates with Wilson intervals), each arm against the control with
// the 95% interval of the difference, and the verdict.
import type { ExperimentReport } from "../enrichment/experiments/experiment-report.js";
import type { Experiment, ExperimentStatus } from "../enrichment/experiments/experiment-types.js";

/** JSON has no infinity: an unbounded interval end is null. */
const finite = (v: number): number | null => (Number.isFinite(v) ? round(v) : null);
const round = (v: number) => Math.round(v * 1e8) / 1e8;

export interface ExperimentJson {
  readonly id: number;
  readonly name: string;
  readonly processing_type: string;
  readonly organization_id: number | null;
  readonly status: ExperimentStatus;
  readonly promoted_arm: string | null;
  readonly promoted_prompt_version: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly stopped_at: string | null;
  readonly arms: {
    readonly name: string;
    readonly weight: number;
    readonly share_percent: number;
    readonly prompt_version: string;
    readonly model: string | null;
    readonly temperature: number | null;
    readonly source_file: string | null;
  }[];
}

export function toExperimentJson(e: Experiment): ExperimentJson {
  const total = e.arms.reduce((n, a) => n + a.weight, 0);
  return {
    id: e.id,
    name: e.name,
    processing_type: e.processingType,
    organization_id: e.organizationId,
    status: e.status,
    promoted_arm: e.promotedArm,
    promoted_prompt_version: e.promotedPromptVersion,
    created_at: e.createdAt.toISOString(),
    started_at: e.startedAt?.toISOString() ?? null,
    stopped_at: e.stoppedAt?.toISOString() ?? null,
    arms: e.arms.map((a) => ({
      name: a.name,
      weight: a.weight,
      share_percent: Math.round((a.weight / total) * 1000) / 10,
      prompt_version: a.promptVersion,
      model: a.model,
      temperature: a.temperature,
      source_file: a.sourceFile,
    })),
  };
}

export interface ExperimentReportJson extends ExperimentJson {
  readonly results: {
    readonly arm: string;
    readonly items: number;
    readonly reviewed: number;
    readonly metrics: Record<
      string,
      { value: number; n: number; ci_low: number | null; ci_high: number | null }
    >;
  }[];
  readonly comparisons: {
    readonly arm: string;
    readonly headline: string;
    readonly metrics: Record<
      string,
      {
        difference: number;
        ci_low: number | null;
        ci_high: number | null;
        significant: boolean;
        better: boolean;
        worse: boolean;
        n_control: number;
        n_arm: number;
      }
    >;
  }[];
  readonly primary_metric: string;
  readonly verdict: string;
}

export function toExperimentReportJson(report: ExperimentReport): ExperimentReportJson {
  return {
    ...toExperimentJson(report.experiment),
    results: report.arms.map((arm) => ({
      arm: arm.name,
      items: arm.items,
      reviewed: arm.reviewed,
      metrics: Object.fromEntries(
        arm.metrics.map((m) => [
          m.key,
          {
            value: round(m.value),
            n: m.n,
            ci_low: m.interval ? round(m.interval.low) : null,
            ci_high: m.interval ? round(m.interval.high) : null,
          },
        ]),
      ),
    })),
    comparisons: report.comparisons.map((c) => ({
      arm: c.arm,
      headline: c.headline,
      metrics: Object.fromEntries(
        c.metrics.map((m) => [
          m.key,
          {
            difference: round(m.difference),
            ci_low: finite(m.low),
            ci_high: finite(m.high),
            significant: m.significant,
            better: m.better,
            worse: m.worse,
            n_control: m.nControl,
            n_arm: m.nArm,
          },
        ]),
      ),
    })),
    primary_metric: report.primaryMetric,
    verdict: report.verdict,
  };
}
