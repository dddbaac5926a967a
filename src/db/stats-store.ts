// Enrichment coverage (SPEC §5 stats), over all animals or one organization's.
import { NotFoundError } from "../errors.js";
import type { Queryable } from "./database.js";
import { findOrganizationByConfigId } from "./organization-store.js";

/** Field names are the SPEC §5 contract, shared by `stats --json` and GET /api/llm/stats. */
export interface EnrichmentStats {
  readonly total_animals: number;
  readonly enriched_descriptions: number;
  readonly dog_profiles: number;
  readonly with_translations: number;
  /** Percent of total_animals, one decimal; 0 when there are no animals. */
  readonly enrichment_coverage: number;
  readonly profile_coverage: number;
  readonly translation_coverage: number;
}

export interface StatsFilter {
  /** An organization's config_id (CLI `-o`). */
  readonly organizationConfigId?: string;
  /** An organization's numeric id (HTTP `organization_id`). */
  readonly organizationId?: number;
}

/** Throws NotFoundError when the filter names an organization that does not exist. */
export async function getEnrichmentStats(
  db: Queryable,
  filter: StatsFilter = {},
): Promise<EnrichmentStats> {
  let organizationId: number | null = null;
  if (filter.organizationConfigId !== undefined) {
    const org = await findOrganizationByConfigId(db, filter.organizationConfigId);
    if (!org) throw new NotFoundError(`Unknown organization: ${filter.organizationConfigId}`);
    organizationId = org.id;
  }
  if (filter.organizationId !== undefined) {
    const found = await db.query("SELECT 1 FROM organizations WHERE id = $1", [
      filter.organizationId,
    ]);
    if (found.length === 0) {
      throw new NotFoundError(`Unknown organization id: ${filter.organizationId}`);
    }
    if (organizationId !== null && organizationId !== filter.organizationId) {
      // Both given and they disagree: no animal can match both.
      return computeCoverage({ total: 0, enriched: 0, profiles: 0, translated: 0 });
    }
    organizationId = filter.organizationId;
  }
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
    [organizationId],
  );
  const row = rows[0] ?? { total: 0, enriched: 0, profiles: 0, translated: 0 };
  return computeCoverage(row);
}

function computeCoverage(counts: {
  total: number;
  enriched: number;
  profiles: number;
  translated: number;
}): EnrichmentStats {
  const percent = (n: number) =>
    counts.total === 0 ? 0 : Math.round((n * 1000) / counts.total) / 10;
  return {
    total_animals: counts.total,
    enriched_descriptions: counts.enriched,
    dog_profiles: counts.profiles,
    with_translations: counts.translated,
    enrichment_coverage: percent(counts.enriched),
    profile_coverage: percent(counts.profiles),
    translation_coverage: percent(counts.translated),
  };
}
