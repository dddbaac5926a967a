// A small server-rendered SVG: for each rate metric, one bar per arm with its 95% Wilson
// interval as a whisker. Numbers and arm names only; every text is escaped.
import type { ArmReport } from "../../../enrichment/experiments/experiment-report.js";

export interface ChartMetric {
  readonly key: string;
  readonly label: string;
}

const WIDTH = 640;
const LABEL = 190;
const BAR = 14;
const GAP = 6;
const GROUP_GAP = 18;
const PLOT = WIDTH - LABEL - 60;

export function ExperimentChart(props: {
  readonly arms: readonly ArmReport[];
  readonly metrics: readonly ChartMetric[];
}): JSX.Element {
  const rows: JSX.Element[] = [];
  let y = 24;
  for (const metric of props.metrics) {
    rows.push(
      <text x="0" y={String(y + BAR - 2)} class="chart-metric" safe>
        {metric.label}
      </text>,
    );
    props.arms.forEach((arm, index) => {
      const m = arm.metrics.find((x) => x.key === metric.key);
      const rowY = y + index * (BAR + GAP);
      const value = m && m.n > 0 ? m.value : 0;
      const x = (v: number) => LABEL + v * PLOT;
      rows.push(
        <g class={`chart-arm arm-${index % 4}`}>
          <text x={String(LABEL - 8)} y={String(rowY + BAR - 3)} text-anchor="end" safe>
            {arm.name}
          </text>
          <rect
            x={String(LABEL)}
            y={String(rowY)}
            width={String(Math.max(0, value * PLOT))}
            height={String(BAR)}
          />
          {m?.interval && m.n > 0 ? (
            <line
              class="whisker"
              x1={String(x(m.interval.low))}
              x2={String(x(m.interval.high))}
              y1={String(rowY + BAR / 2)}
              y2={String(rowY + BAR / 2)}
            />
          ) : (
            ""
          )}
          <text x={String(x(1) + 6)} y={String(rowY + BAR - 3)} class="chart-value">
            {m && m.n > 0 ? `${(value * 100).toFixed(1)}%` : "—"}
          </text>
        </g>,
      );
    });
    y += props.arms.length * (BAR + GAP) + GROUP_GAP;
  }
  const height = y;
  return (
    <svg
      class="experiment-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={String(WIDTH)}
      height={String(height)}
      role="img"
      aria-label="Rates per arm with 95% intervals"
    >
      <line class="axis" x1={String(LABEL)} x2={String(LABEL)} y1="10" y2={String(height - 10)} />
      <line
        class="axis"
        x1={String(LABEL + PLOT)}
        x2={String(LABEL + PLOT)}
        y1="10"
        y2={String(height - 10)}
      />
      <text x={String(LABEL)} y="12" class="chart-scale">
        0%
      </text>
      <text x={String(LABEL + PLOT)} y="12" class="chart-scale" text-anchor="end">
        100%
      </text>
      {rows}
    </svg>
  );
}
