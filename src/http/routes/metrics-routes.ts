// GET /metrics: Prometheus text format, when LLM_FEATURE_METRICS is on.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { FeatureDisabledError } from "../../errors.js";
import type { RouteDeps } from "../route-deps.js";
import { commonErrorResponses, errorBodySchema } from "../schemas/error-schemas.js";

export const metricsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.get(
    "/metrics",
    {
      schema: {
        summary: "Prometheus metrics: LLM calls, failures, latency, tokens, cost, cache, HTTP",
        tags: ["observability"],
        response: {
          200: {
            description: "Prometheus text exposition format",
            content: { "text/plain": { schema: z.string() } },
          },
          ...commonErrorResponses,
          403: errorBodySchema,
        },
      },
    },
    async (_request, reply) => {
      if (!deps.services.config.features.metrics) {
        throw new FeatureDisabledError("metrics", "LLM_FEATURE_METRICS");
      }
      const text = await deps.metrics.render();
      return reply.type(deps.metrics.contentType).send(text);
    },
  );
};
