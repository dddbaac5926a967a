// POST /api/llm/enrich and POST /api/llm/batch-enrich: run the batch pipeline on named animals.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ValidationError } from "../../errors.js";
import { assertFeatureEnabled, runEnrichment } from "../../enrichment/pipeline/run-enrichment.js";
import { toBatchEnrichResponse, toEnrichResponse } from "../enrichment-response.js";
import { assertAnimalsExist } from "../known-animals.js";
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
      assertFeatureEnabled(config, body.processing_type);
      if (body.target_language !== undefined && body.processing_type !== "translation") {
        throw new ValidationError(
          "target_language: only applies to processing_type translation",
          "target_language",
        );
      }
      await assertAnimalsExist(services.db, [body.animal_id]);
      const summary = await runEnrichment(services.pipeline, {
        processingType: body.processing_type,
        animalIds: [body.animal_id],
        ...(body.target_language !== undefined && { targetLanguages: [body.target_language] }),
        ...(body.force !== undefined && { force: body.force }),
        ...(body.replace_staff_edits !== undefined && {
          replaceStaffEdits: body.replace_staff_edits,
        }),
      });
      return toEnrichResponse(summary);
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
      assertFeatureEnabled(config, body.processing_type);
      await assertAnimalsExist(services.db, body.animal_ids);
      const summary = await runEnrichment(services.pipeline, {
        processingType: body.processing_type,
        animalIds: body.animal_ids,
        ...(body.batch_size !== undefined && { batchSize: body.batch_size }),
        ...(body.force !== undefined && { force: body.force }),
        ...(body.replace_staff_edits !== undefined && {
          replaceStaffEdits: body.replace_staff_edits,
        }),
      });
      return toBatchEnrichResponse(summary);
    },
  );
};
