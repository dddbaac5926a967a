// `rescue-llm costs --json`: the cost report in the SPEC's snake_case style.
import type { CostReport } from "../db/cost-report-store.js";

const per = (value: number, dogs: number) => (dogs === 0 ? 0 : value / dogs);
const usd = (value: number) => Math.round(value * 1e6) / 1e6;
const tokens = (value: number) => Math.round(value * 10) / 10;

export function toCostReportJson(report: CostReport) {
  return {
    total_cost_usd: usd(report.totals.costUsd),
    llm_calls: report.totals.calls,
    dogs: report.totals.dogs,
    cost_per_dog_usd: usd(per(report.totals.costUsd, report.totals.dogs)),
    prompt_tokens_per_dog: tokens(per(report.totals.promptTokens, report.totals.dogs)),
    completion_tokens_per_dog: tokens(per(report.totals.completionTokens, report.totals.dogs)),
    by_type_model_transport: report.rows.map((r) => ({
      processing_type: r.processingType,
      call_kind: r.callKind,
      model: r.model,
      transport: r.transport,
      llm_calls: r.calls,
      cache_hits: r.cacheHits,
      failed_calls: r.failedCalls,
      prompt_tokens: r.promptTokens,
      completion_tokens: r.completionTokens,
      cost_usd: usd(r.costUsd),
      dogs: r.dogs,
      cost_per_dog_usd: usd(per(r.costUsd, r.dogs)),
      prompt_tokens_per_dog: tokens(per(r.promptTokens, r.dogs)),
      completion_tokens_per_dog: tokens(per(r.completionTokens, r.dogs)),
    })),
    by_organization: report.organizations.map((o) => ({
      organization: o.organization,
      cost_usd: usd(o.costUsd),
      dogs: o.dogs,
      cost_per_dog_usd: usd(per(o.costUsd, o.dogs)),
    })),
  };
}

export type CostReportJson = ReturnType<typeof toCostReportJson>;
