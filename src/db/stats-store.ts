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

/** Whether the animal's result of this type (and language) is stale. */
const STALE_SQL = (type: string, lang: string) =>
  `EXISTS (SELECT 1 FROM llm_enrichments s WHERE s.animal_id = a.id
             AND s.processing_type = '${type}' AND s.target_language = ${lang} AND s.stale)`;

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
    // A result made from a source that changed since (llm_enrichments.stale, kept by the
    // triggers of migration 010) is stale: counted by getEnrichmentBreakdown, not as coverage.
    `SELECT count(*)::int AS total,
            (count(*) FILTER (WHERE enriched_description IS NOT NULL
                               AND btrim(enriched_description) <> ''
                               AND NOT ${STALE_SQL("description_cleaning", "''")}))::int AS enriched,
            (count(*) FILTER (WHERE dog_profiler_data IS NOT NULL
                               AND dog_profiler_data <> 'null'::jsonb
                               AND NOT ${STALE_SQL("dog_profiler", "''")}))::int AS profiles,
            (count(*) FILTER (WHERE jsonb_typeof(translations) = 'object'
                               AND EXISTS (SELECT 1 FROM jsonb_object_keys(a.translations) AS k(lang)
                                           WHERE NOT ${STALE_SQL("translation", "k.lang")})))::int AS translated
     FROM animals a
     WHERE $1::int IS NULL OR a.organization_id = $1::int`,
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

/** Counts per processing type: outcomes of the latest attempt, skips and failures by reason. */
export interface TypeBreakdown {
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  /** Published (or candidate) results whose source changed since: not counted as coverage. */
  readonly stale: number;
  /** By skip code (too_thin, no_source_text, listing_inactive, no_trait_stated). */
  readonly skippedByReason: Readonly<Record<string, number>>;
  /** By the first reason's kind (its text up to the first ":" or "("), most frequent first. */
  readonly failedByReason: Readonly<Record<string, number>>;
}

export interface LanguageBreakdown {
  /** Animals with a current (not stale) translation into this language. */
  readonly translated: number;
  readonly stale: number;
  readonly failed: number;
  readonly skipped: number;
  /** Percent of the animals in scope with a current translation, one decimal. */
  readonly coveragePercent: number;
}

export interface EnrichmentBreakdown {
  readonly byType: Readonly<Record<string, TypeBreakdown>>;
  readonly byLanguage: Readonly<Record<string, LanguageBreakdown>>;
}

/** Reasons kept per type in failedByReason (the rest are summed under "other"). */
const FAILURE_REASONS_SHOWN = 5;

export async function getEnrichmentBreakdown(
  db: Queryable,
  filter: StatsFilter = {},
): Promise<EnrichmentBreakdown> {
  const org = filter.organizationId ?? null;
  const rows = await db.query<{
    processing_type: string;
    status: string;
    reason: string | null;
    stale: number;
    n: number;
  }>(
    `SELECT e.processing_type, e.status,
            CASE WHEN e.status IN ('skipped', 'failed')
                 THEN btrim(split_part(split_part(coalesce(e.flags->>0, 'unknown'), ':', 1), '(', 1)) END AS reason,
            (count(*) FILTER (WHERE e.stale))::int AS stale, count(*)::int AS n
     FROM llm_enrichments e JOIN animals a ON a.id = e.animal_id
     WHERE ($1::int IS NULL OR a.organization_id = $1::int) AND e.status <> 'pending'
     GROUP BY 1, 2, 3`,
    [org],
  );
  const byType: Record<
    string,
    {
      succeeded: number;
      failed: number;
      skipped: number;
      stale: number;
      skippedByReason: Record<string, number>;
      failedByReason: Record<string, number>;
    }
  > = {};
  for (const row of rows) {
    const t = (byType[row.processing_type] ??= {
      succeeded: 0,
      failed: 0,
      skipped: 0,
      stale: 0,
      skippedByReason: {},
      failedByReason: {},
    });
    t.stale += row.stale;
    if (row.status === "succeeded") t.succeeded += row.n;
    else if (row.status === "failed") {
      t.failed += row.n;
      const reason = row.reason ?? "unknown";
      t.failedByReason[reason] = (t.failedByReason[reason] ?? 0) + row.n;
    } else if (row.status === "skipped") {
      t.skipped += row.n;
      const reason = row.reason ?? "unknown";
      t.skippedByReason[reason] = (t.skippedByReason[reason] ?? 0) + row.n;
    }
  }
  for (const t of Object.values(byType)) t.failedByReason = topReasons(t.failedByReason);

  const langs = await db.query<{
    lang: string;
    translated: number;
    stale: number;
    failed: number;
    skipped: number;
    total: number;
  }>(
    `SELECT e.target_language AS lang,
            (count(*) FILTER (WHERE jsonb_typeof(a.translations) = 'object'
                               AND a.translations ? e.target_language AND NOT e.stale))::int AS translated,
            (count(*) FILTER (WHERE jsonb_typeof(a.translations) = 'object'
                               AND a.translations ? e.target_language AND e.stale))::int AS stale,
            (count(*) FILTER (WHERE e.status = 'failed'))::int AS failed,
            (count(*) FILTER (WHERE e.status = 'skipped'))::int AS skipped,
            (SELECT count(*)::int FROM animals x WHERE $1::int IS NULL OR x.organization_id = $1::int) AS total
     FROM llm_enrichments e JOIN animals a ON a.id = e.animal_id
     WHERE e.processing_type = 'translation' AND e.target_language <> ''
       AND ($1::int IS NULL OR a.organization_id = $1::int)
     GROUP BY 1 ORDER BY 1`,
    [org],
  );
  const byLanguage: Record<string, LanguageBreakdown> = {};
  for (const l of langs) {
    byLanguage[l.lang] = {
      translated: l.translated,
      stale: l.stale,
      failed: l.failed,
      skipped: l.skipped,
      coveragePercent: l.total === 0 ? 0 : Math.round((l.translated * 1000) / l.total) / 10,
    };
  }
  return { byType, byLanguage };
}

function topReasons(counts: Record<string, number>): Record<string, number> {
  const sorted = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const top = Object.fromEntries(sorted.slice(0, FAILURE_REASONS_SHOWN));
  const rest = sorted.slice(FAILURE_REASONS_SHOWN).reduce((sum, [, n]) => sum + n, 0);
  return rest > 0 ? { ...top, other: rest } : top;
}
