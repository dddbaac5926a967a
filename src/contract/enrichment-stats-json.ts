// SPEC §5 stats, shared by `stats --json` and GET /api/llm/stats.
import type { EnrichmentBreakdown, EnrichmentStats } from "../db/stats-store.js";

export interface EnrichmentStatsJson {
  readonly total_animals: number;
  readonly enriched_descriptions: number;
  readonly dog_profiles: number;
  readonly with_translations: number;
  /** Percent of total_animals, one decimal. */
  readonly enrichment_coverage: number;
  readonly profile_coverage: number;
  readonly translation_coverage: number;
}

/** `stats --json` adds what the coverage leaves out: stale results, failures, skips, languages. */
export interface EnrichmentStatsDetailJson extends EnrichmentStatsJson {
  readonly by_type: Readonly<
    Record<
      string,
      {
        readonly succeeded: number;
        readonly failed: number;
        readonly skipped: number;
        /** Results whose source changed since: not counted in the coverage. */
        readonly stale: number;
        readonly skipped_by_reason: Readonly<Record<string, number>>;
        readonly failed_by_reason: Readonly<Record<string, number>>;
      }
    >
  >;
  readonly by_language: Readonly<
    Record<
      string,
      {
        readonly translated: number;
        readonly stale: number;
        readonly failed: number;
        readonly skipped: number;
        /** Percent of total_animals, one decimal. */
        readonly coverage: number;
      }
    >
  >;
}

export function toEnrichmentStatsDetailJson(
  stats: EnrichmentStats,
  breakdown: EnrichmentBreakdown,
): EnrichmentStatsDetailJson {
  return {
    ...toEnrichmentStatsJson(stats),
    by_type: Object.fromEntries(
      Object.entries(breakdown.byType).map(([type, t]) => [
        type,
        {
          succeeded: t.succeeded,
          failed: t.failed,
          skipped: t.skipped,
          stale: t.stale,
          skipped_by_reason: t.skippedByReason,
          failed_by_reason: t.failedByReason,
        },
      ]),
    ),
    by_language: Object.fromEntries(
      Object.entries(breakdown.byLanguage).map(([lang, l]) => [
        lang,
        {
          translated: l.translated,
          stale: l.stale,
          failed: l.failed,
          skipped: l.skipped,
          coverage: l.coveragePercent,
        },
      ]),
    ),
  };
}

export function toEnrichmentStatsJson(stats: EnrichmentStats): EnrichmentStatsJson {
  return {
    total_animals: stats.totalAnimals,
    enriched_descriptions: stats.enrichedDescriptions,
    dog_profiles: stats.dogProfiles,
    with_translations: stats.withTranslations,
    enrichment_coverage: stats.enrichmentCoveragePercent,
    profile_coverage: stats.profileCoveragePercent,
    translation_coverage: stats.translationCoveragePercent,
  };
}
