// Enrichment coverage (SPEC §5 stats), over all animals or one organization's.
import type { Queryable } from "./database.js";

export interface EnrichmentStats {
  readonly totalAnimals: number;
  readonly enrichedDescriptions: number;
  readonly dogProfiles: number;
  readonly withTranslations: number;
  /** Percent of totalAnimals, one decimal; 0 when there are no animals. */
  readonly enrichmentCoveragePercent: number;
  readonly profileCoveragePercent: number;
  readonly translationCoveragePercent: number;
}

export interface StatsFilter {
  /** organizations.id of an organization that exists (resolveOrganization checks it). */
  readonly organizationId?: number | undefined;
}

export async function getEnrichmentStats(
  db: Queryable,
  filter: StatsFilter = {},
): Promise<EnrichmentStats> {
  const rows = await db.query<{
    total: number;
    enriched: number;
    profiles: number;
    translated: number;
  }>(
    `SELECT count(*)::int AS total,
            (count(*) FILTER (WHERE enriched_description IS NOT NULL
                               AND btrim(enriched_description) <> ''))::int AS enriched,
            (count(*) FILTER (WHERE dog_profiler_data IS NOT NULL
                               AND dog_profiler_data <> 'null'::jsonb))::int AS profiles,
            (count(*) FILTER (WHERE translations IS NOT NULL
                               AND jsonb_typeof(translations) = 'object'
                               AND translations <> '{}'::jsonb))::int AS translated
     FROM animals
     WHERE $1::int IS NULL OR organization_id = $1::int`,
    [filter.organizationId ?? null],
  );
  const counts = rows[0] ?? { total: 0, enriched: 0, profiles: 0, translated: 0 };
  const percent = (n: number) =>
    counts.total === 0 ? 0 : Math.round((n * 1000) / counts.total) / 10;
  return {
    totalAnimals: counts.total,
    enrichedDescriptions: counts.enriched,
    dogProfiles: counts.profiles,
    withTranslations: counts.translated,
    enrichmentCoveragePercent: percent(counts.enriched),
    profileCoveragePercent: percent(counts.profiles),
    translationCoveragePercent: percent(counts.translated),
  };
}

/**
 * Items that failed their checks LLM_MAX_ITEM_ATTEMPTS times in a row for their current source
 * and prompt version: reruns leave them alone until either changes, or --force.
 */
export async function countHeldItems(
  db: Queryable,
  filter: StatsFilter & { readonly maxItemAttempts: number },
): Promise<{ processingType: string; items: number }[]> {
  const rows = await db.query<{ processing_type: string; n: number }>(
    `SELECT e.processing_type, count(*)::int AS n
       FROM llm_enrichments e JOIN animals a ON a.id = e.animal_id
      WHERE e.status = 'failed' AND e.check_failures >= $2
        AND ($1::int IS NULL OR a.organization_id = $1::int)
      GROUP BY 1 ORDER BY 1`,
    [filter.organizationId ?? null, filter.maxItemAttempts],
  );
  return rows.map((r) => ({ processingType: r.processing_type, items: r.n }));
}
