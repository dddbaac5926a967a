// GET /api/llm/stats (enrichment coverage) and GET /api/llm/cache-stats.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { toCacheStatsJson } from "../../contract/cache-stats-json.js";
import { toEnrichmentStatsDetailJson } from "../../contract/enrichment-stats-json.js";
import { readSharedCacheStats } from "../../db/shared-cache-stats.js";
import { resolveOrganization } from "../../enrichment/pipeline/resolve-run-request.js";
import { createCoalescedStatsReader } from "../coalesced-stats.js";
import type { RouteDeps } from "../route-deps.js";
import { commonErrorResponses, errorBodySchema } from "../schemas/error-schemas.js";
import {
  cacheStatsResponseSchema,
  statsQuerySchema,
  statsResponseSchema,
} from "../schemas/stats-schemas.js";

export const statsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { services } = deps;
  const readStats = createCoalescedStatsReader(services.db, deps.statsCacheTtlMs);

  app.get(
    "/api/llm/stats",
    {
      schema: {
        summary: "Enrichment coverage, overall or for one organization",
        tags: ["stats"],
        querystring: statsQuerySchema,
        response: {
          200: statsResponseSchema,
          ...commonErrorResponses,
          404: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request) => {
      const ref = request.query.organization_id;
      const organization =
        ref === undefined ? undefined : await resolveOrganization(services.pipeline.directory, ref);
      const report = await readStats({ organizationId: organization?.id });
      return toEnrichmentStatsDetailJson(report.stats, report.breakdown);
    },
  );

  app.get(
    "/api/llm/cache-stats",
    {
      schema: {
        summary: "LLM cache: the shared table and logged lookups, and this process's memory layer",
        description:
          "`size`/`table_size`: non-expired rows of the persistent llm_cache table; `hits`/`misses`/`hit_rate`: lookups every process logged; `memory_*`: this server process's in-memory layer. Rates are fractions from 0 to 1; `hit_rate_percent` is the same rate in percent.",
        tags: ["stats"],
        response: { 200: cacheStatsResponseSchema, ...commonErrorResponses },
      },
    },
    async () => toCacheStatsJson(await readSharedCacheStats(services.db), services.cache.stats()),
  );
};
