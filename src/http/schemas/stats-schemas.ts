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
  })
  .meta({ id: "EnrichmentStats" });

export const cacheStatsResponseSchema = z
  .object({
    size: z.number().int(),
    max_size: z.number().int(),
    hits: z.number().int(),
    misses: z.number().int(),
    hit_rate: z.number(),
    total_requests: z.number().int(),
  })
  .meta({ id: "CacheStats" });
