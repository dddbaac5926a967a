// An experiment's report for staff: the verdict, a chart of the rates per arm with their
// intervals, and every metric with each arm's difference from the control.
import {
  describeDifference,
  EXPERIMENT_METRICS,
  type ExperimentReport,
} from "../../../enrichment/experiments/experiment-report.js";
import type { Experiment } from "../../../enrichment/experiments/experiment-types.js";
import { ExperimentChart } from "./experiment-chart.js";
import { Layout } from "./layout.js";

interface PageFrame {
  readonly staff: string;
  readonly openDevelopment: boolean;
  readonly csrfToken: string;
}

function formatValue(key: string, value: number): string {
  const metric = EXPERIMENT_METRICS.find((m) => m.key === key)!;
  if (metric.kind === "rate") return `${(value * 100).toFixed(1)}%`;
  switch (metric.unit) {
    case "usd":
      return `$${value.toFixed(6)}`;
    case "share":
      return `${(value * 100).toFixed(1)}%`;
    case "tokens":
      return value.toFixed(0);
    case "ms":
      return `${(value / 1000).toFixed(1)} s`;
  }
}

export function ExperimentListPage(
  props: PageFrame & { readonly experiments: readonly Experiment[] },
): JSX.Element {
  return (
    <Layout
      title="Experiments"
      page="experiments"
      staff={props.staff}
      openDevelopment={props.openDevelopment}
      csrfToken={props.csrfToken}
    >
      <h1>Prompt experiments</h1>
      {props.experiments.length === 0 ? (
        <p>
          No experiments yet. Create one with <code>rescue-llm experiments create</code>.
        </p>
      ) : (
        <ul class="experiments">
          {props.experiments.map((e) => (
            <li>
              <a href={`/review/experiments/${e.id}`} safe>
                {`#${e.id} ${e.name}`}
              </a>{" "}
              <span class="muted" safe>
                {`${e.processingType} · ${e.status} · ${e.arms.map((a) => a.name).join(" vs ")}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function ExperimentPage(
  props: PageFrame & { readonly report: ExperimentReport },
): JSX.Element {
  const { report } = props;
  const e = report.experiment;
  const total = e.arms.reduce((n, a) => n + a.weight, 0);
  return (
    <Layout
      title={`Experiment ${e.id}`}
      page="experiments"
      staff={props.staff}
      openDevelopment={props.openDevelopment}
      csrfToken={props.csrfToken}
    >
      <p>
        <a href="/review/experiments">All experiments</a>
      </p>
      <h1 safe>{`Experiment #${e.id}: ${e.name}`}</h1>
      <p class="muted" safe>
        {`${e.processingType} · ${e.status}${e.promotedArm ? ` · promoted ${e.promotedArm} as ${e.promotedPromptVersion ?? ""}` : ""}`}
      </p>
      <p class="verdict" safe>
        {report.verdict}
      </p>
      <ExperimentChart
        arms={report.arms}
        metrics={["approval_rate", "final_success_rate", "first_answer_pass_rate"].map((key) => ({
          key,
          label: EXPERIMENT_METRICS.find((m) => m.key === key)!.label,
        }))}
      />
      <h2>Arms</h2>
      <table class="experiment-arms">
        <thead>
          <tr>
            <th>arm</th>
            <th>share</th>
            <th>prompt version</th>
            <th>prompt</th>
            <th>model</th>
            <th>items</th>
            <th>reviewed</th>
          </tr>
        </thead>
        <tbody>
          {e.arms.map((arm) => {
            const r = report.arms.find((a) => a.name === arm.name);
            return (
              <tr>
                <td safe>{arm.name}</td>
                <td safe>{`${Math.round((arm.weight / total) * 100)}%`}</td>
                <td safe>{arm.promptVersion}</td>
                <td safe>{arm.sourceFile ?? "default"}</td>
                <td safe>{arm.model ?? "default"}</td>
                <td safe>{String(r?.items ?? 0)}</td>
                <td safe>{String(r?.reviewed ?? 0)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Metrics</h2>
      <table class="experiment-metrics">
        <thead>
          <tr>
            <th>metric</th>
            {report.arms.map((a) => (
              <th safe>{a.name}</th>
            ))}
            {report.comparisons.map((c) => (
              <th safe>{`${c.arm} − control (95% CI)`}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {EXPERIMENT_METRICS.map((metric, i) => (
            <tr>
              <th scope="row" safe>
                {metric.label}
              </th>
              {report.arms.map((a) => {
                const m = a.metrics[i]!;
                return (
                  <td safe>{m.n === 0 ? "—" : `${formatValue(m.key, m.value)} (n=${m.n})`}</td>
                );
              })}
              {report.comparisons.map((c) => {
                const d = c.metrics[i]!;
                const cls = d.better ? "better" : d.worse ? "worse" : "";
                return (
                  <td class={cls} safe>
                    {d.nControl === 0 || d.nArm === 0
                      ? "—"
                      : describeDifference(metric, d).replace(` ${metric.label}`, "")}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
