// GET /api/llm/stats and GET /api/llm/cache-stats.
import { z } from "zod";

export const statsQuerySchema = z.strictObject({
  organization_id: z
    .string()
    .trim()
    .min(1, { message: "must not be empty" })
    .max(200, { message: "must be at most 200 characters" })
    .optional()
    .describe("An organization's numeric id or its config_id"),
});

export type StatsQuery = z.infer<typeof statsQuerySchema>;

const percent = z.number().min(0).max(100).describe("Percent of total_animals, one decimal");

export const statsResponseSchema = z
  .object({
    total_animals: z.number().int(),
    enriched_descriptions: z.number().int(),
    dog_profiles: z.number().int(),
    with_translations: z.number().int(),
    enrichment_coverage: percent,
    profile_coverage: percent,
    translation_coverage: percent,
    by_type: z
      .record(
        z.string(),
        z.object({
          succeeded: z.number().int(),
          failed: z.number().int(),
          skipped: z.number().int(),
          stale: z.number().int().describe("Results whose source changed since: not coverage"),
          skipped_by_reason: z.record(z.string(), z.number().int()),
          failed_by_reason: z.record(z.string(), z.number().int()),
        }),
      )
      .describe("Per processing type: the latest attempt's outcome per item"),
    by_language: z
      .record(
        z.string(),
        z.object({
          translated: z.number().int(),
          stale: z.number().int(),
          failed: z.number().int(),
          skipped: z.number().int(),
          coverage: percent,
        }),
      )
      .describe("Translations per target language"),
  })
  .meta({ id: "EnrichmentStats" });

export const cacheStatsResponseSchema = z
  .object({
    size: z.number().int().describe("Entries in the persistent llm_cache table (= table_size)"),
    max_size: z.number().int().describe("LLM_CACHE_MAX_SIZE: each process's memory bound"),
    hits: z.number().int().describe("Cache hits every process logged"),
    misses: z.number().int().describe("Logged lookups answered by a call"),
    hit_rate: z.number().min(0).max(1).describe("hits / total_requests, a fraction from 0 to 1"),
    hit_rate_percent: z.number().min(0).max(100).describe("The same rate in percent"),
    total_requests: z.number().int(),
    table_size: z.number().int().describe("Non-expired rows of the shared llm_cache table"),
    memory_size: z.number().int().describe("Entries in this process's memory layer"),
    memory_hits: z.number().int().describe("This process's hits since it started"),
    memory_misses: z.number().int(),
    memory_hit_rate: z.number().min(0).max(1).describe("A fraction from 0 to 1"),
  })
  .meta({ id: "CacheStats" });
