// GET /api/llm/stats (enrichment coverage) and GET /api/llm/cache-stats.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { StatsFilter } from "../../db/stats-store.js";
import { createCoalescedStatsReader } from "../coalesced-stats.js";
import type { RouteDeps } from "../route-deps.js";
import { commonErrorResponses, errorBodySchema } from "../schemas/error-schemas.js";
import {
  cacheStatsResponseSchema,
  statsQuerySchema,
  statsResponseSchema,
} from "../schemas/stats-schemas.js";

/** organizations.id is an int4; a longer run of digits can only be a config_id. */
const NUMERIC_ID = /^[1-9]\d{0,8}$/;

export function statsFilterFor(organizationId: string | undefined): StatsFilter {
  if (organizationId === undefined) return {};
  return NUMERIC_ID.test(organizationId)
    ? { organizationId: Number(organizationId) }
    : { organizationConfigId: organizationId };
}

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
    async (request) => readStats(statsFilterFor(request.query.organization_id)),
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
    async () => services.cache.stats(),
  );
};
