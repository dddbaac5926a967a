// POST /api/llm/enrich and POST /api/llm/batch-enrich: run the batch pipeline on named animals.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { resolveRunRequest } from "../../enrichment/pipeline/resolve-run-request.js";
import { runEnrichment } from "../../enrichment/pipeline/run-enrichment.js";
import { toBatchEnrichResponse, toEnrichResponse } from "../enrichment-response.js";
import { API_KEY_SECURITY, type RouteDeps } from "../route-deps.js";
import {
  batchEnrichBodySchema,
  batchEnrichResponseSchema,
  enrichBodySchema,
  enrichResponseSchema,
} from "../schemas/enrich-schemas.js";
import { errorBodySchema, postErrorResponses } from "../schemas/error-schemas.js";

export const enrichRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { services } = deps;
  const { config } = services;
  const errors = {
    ...postErrorResponses,
    403: errorBodySchema,
    404: errorBodySchema,
    503: errorBodySchema,
  };
  const rateLimit = deps.postRateLimit && {
    max: deps.postRateLimit.max,
    timeWindow: deps.postRateLimit.timeWindowMs,
  };

  app.post(
    "/api/llm/enrich",
    {
      onRequest: async (request) => deps.checkApiKey(request),
      ...(rateLimit && { config: { rateLimit } }),
      schema: {
        summary: "Enrich one animal",
        tags: ["enrichment"],
        security: API_KEY_SECURITY,
        body: enrichBodySchema,
        response: { 200: enrichResponseSchema, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      const plan = await resolveRunRequest(
        services.pipeline,
        {
          processingType: body.processing_type,
          animalIds: [body.animal_id],
          targetLanguages: body.target_language && [body.target_language],
          force: body.force,
          replaceStaffEdits: body.replace_staff_edits,
        },
        {
          animalIds: "animal_id",
          targetLanguages: "target_language",
          replaceStaffEdits: "replace_staff_edits",
        },
      );
      return toEnrichResponse(await runEnrichment(services.pipeline, plan));
    },
  );

  app.post(
    "/api/llm/batch-enrich",
    {
      onRequest: async (request) => deps.checkApiKey(request),
      ...(rateLimit && { config: { rateLimit } }),
      schema: {
        summary: "Enrich up to 1000 named animals",
        tags: ["enrichment"],
        security: API_KEY_SECURITY,
        body: batchEnrichBodySchema(config.batch.maxSize),
        response: { 200: batchEnrichResponseSchema, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      const plan = await resolveRunRequest(
        services.pipeline,
        {
          processingType: body.processing_type,
          animalIds: body.animal_ids,
          batchSize: body.batch_size,
          force: body.force,
          replaceStaffEdits: body.replace_staff_edits,
        },
        {
          animalIds: "animal_ids",
          batchSize: "batch_size",
          replaceStaffEdits: "replace_staff_edits",
        },
      );
      return toBatchEnrichResponse(await runEnrichment(services.pipeline, plan));
    },
  );
};
