// GET /api/llm/stats (enrichment coverage) and GET /api/llm/cache-stats.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { toCacheStatsJson } from "../../contract/cache-stats-json.js";
import { toEnrichmentStatsJson } from "../../contract/enrichment-stats-json.js";
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
      return toEnrichmentStatsJson(await readStats({ organizationId: organization?.id }));
    },
  );

  app.get(
    "/api/llm/cache-stats",
    {
      schema: {
        summary: "Result cache size and hit rate of this process",
        tags: ["stats"],
        response: { 200: cacheStatsResponseSchema, ...commonErrorResponses },
      },
    },
    async () => toCacheStatsJson(services.cache.stats()),
  );
};
