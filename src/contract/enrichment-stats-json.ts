// SPEC §5 stats, shared by `stats --json` and GET /api/llm/stats.
import type { EnrichmentStats } from "../db/stats-store.js";

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
