// Spend from the call log (llm_processing_logs): per processing type, model and transport
// (sync vs batch price), with tokens and cost per dog. What `rescue-llm costs` prints.
import type { Queryable } from "./database.js";

export interface CostReportFilter {
  /** organizations.id */
  readonly organizationId?: number | undefined;
  /** Only calls logged at or after this time. */
  readonly since?: Date | undefined;
}

export interface CostReportRow {
  readonly processingType: string;
  /** `generation` (the output's own calls) or `verification` (its claim checks, LLM_VERIFY). */
  readonly callKind: string;
  readonly model: string;
  readonly transport: string;
  /** Rows that made a call (cache hits excluded). */
  readonly calls: number;
  readonly cacheHits: number;
  readonly failedCalls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  /** Distinct animals these calls were for. */
  readonly dogs: number;
}

export interface OrganizationCost {
  readonly organization: string;
  readonly costUsd: number;
  readonly dogs: number;
}

export interface CostReport {
  readonly rows: readonly CostReportRow[];
  readonly organizations: readonly OrganizationCost[];
  readonly totals: {
    readonly calls: number;
    readonly costUsd: number;
    readonly promptTokens: number;
    readonly completionTokens: number;
    readonly dogs: number;
  };
}

export async function readCostReport(
  db: Queryable,
  filter: CostReportFilter = {},
): Promise<CostReport> {
  const where = `WHERE ($1::int IS NULL OR a.organization_id = $1::int)
      AND ($2::timestamptz IS NULL OR l.created_at >= $2::timestamptz)`;
  const params = [filter.organizationId ?? null, filter.since?.toISOString() ?? null];
  const rows = await db.query<{
    processing_type: string;
    call_kind: string;
    model: string | null;
    transport: string;
    calls: number;
    cache_hits: number;
    failed: number;
    prompt_tokens: number;
    completion_tokens: number;
    cost_usd: number;
    dogs: number;
  }>(
    `SELECT l.processing_type, l.call_kind, coalesce(l.model, 'unknown') AS model, l.transport,
            count(*) FILTER (WHERE l.status <> 'cache_hit')::int AS calls,
            count(*) FILTER (WHERE l.status = 'cache_hit')::int AS cache_hits,
            count(*) FILTER (WHERE l.status = 'failed')::int AS failed,
            coalesce(sum(l.prompt_tokens), 0)::float8 AS prompt_tokens,
            coalesce(sum(l.completion_tokens), 0)::float8 AS completion_tokens,
            coalesce(sum(l.cost_usd), 0)::float8 AS cost_usd,
            count(DISTINCT l.animal_id)::int AS dogs
       FROM llm_processing_logs l LEFT JOIN animals a ON a.id = l.animal_id
       ${where}
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    params,
  );
  const organizations = await db.query<{ organization: string; cost_usd: number; dogs: number }>(
    `SELECT coalesce(o.config_id, '(deleted animals)') AS organization,
            coalesce(sum(l.cost_usd), 0)::float8 AS cost_usd,
            count(DISTINCT l.animal_id)::int AS dogs
       FROM llm_processing_logs l LEFT JOIN animals a ON a.id = l.animal_id
       LEFT JOIN organizations o ON o.id = a.organization_id
       ${where}
      GROUP BY 1 ORDER BY 2 DESC, 1`,
    params,
  );
  const totals = await db.query<{
    calls: number;
    cost_usd: number;
    prompt_tokens: number;
    completion_tokens: number;
    dogs: number;
  }>(
    `SELECT count(*) FILTER (WHERE l.status <> 'cache_hit')::int AS calls,
            coalesce(sum(l.cost_usd), 0)::float8 AS cost_usd,
            coalesce(sum(l.prompt_tokens), 0)::float8 AS prompt_tokens,
            coalesce(sum(l.completion_tokens), 0)::float8 AS completion_tokens,
            count(DISTINCT l.animal_id)::int AS dogs
       FROM llm_processing_logs l LEFT JOIN animals a ON a.id = l.animal_id
       ${where}`,
    params,
  );
  const t = totals[0];
  return {
    rows: rows.map((r) => ({
      processingType: r.processing_type,
      callKind: r.call_kind,
      model: r.model ?? "unknown",
      transport: r.transport,
      calls: r.calls,
      cacheHits: r.cache_hits,
      failedCalls: r.failed,
      promptTokens: r.prompt_tokens,
      completionTokens: r.completion_tokens,
      costUsd: r.cost_usd,
      dogs: r.dogs,
    })),
    organizations: organizations.map((o) => ({
      organization: o.organization,
      costUsd: o.cost_usd,
      dogs: o.dogs,
    })),
    totals: {
      calls: t?.calls ?? 0,
      costUsd: t?.cost_usd ?? 0,
      promptTokens: t?.prompt_tokens ?? 0,
      completionTokens: t?.completion_tokens ?? 0,
      dogs: t?.dogs ?? 0,
    },
  };
}
