// GET /api/animals/:id/enrichment, GET /api/llm/review, POST /api/llm/review/:animal_id.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { loadAnimalReview } from "../../db/review-item-store.js";
import { NotFoundError, UnauthorizedError } from "../../errors.js";
import { encodeQueueCursor } from "../../review/queue-cursor.js";
import { readReviewQueue } from "../../review/read-review-queue.js";
import { applyReviewAction } from "../../review/review-actions.js";
import { effectiveReviewMode } from "../../review/review-mode.js";
import { versionInEffect } from "../../review/review-types.js";
import { presentedApiKey } from "../api-key-auth.js";
import { API_KEY_SECURITY, type RouteDeps } from "../route-deps.js";
import {
  commonErrorResponses,
  errorBodySchema,
  postErrorResponses,
} from "../schemas/error-schemas.js";
import {
  animalEnrichmentResponseSchema,
  animalParamsSchema,
  reviewActionBodySchema,
  reviewActionParamsSchema,
  reviewActionResponseSchema,
  reviewQueueQuerySchema,
  reviewQueueResponseSchema,
} from "./review-api-schemas.js";
import { animalEnrichmentJson, queueRowJson } from "./review-json.js";
import { createStaffKeyring, OPEN_DEVELOPMENT_LABEL } from "./staff-keyring.js";

export const reviewApiRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { services } = deps;
  const keyring = createStaffKeyring(services.config);
  /** The label of the caller's key (after checkApiKey accepted it). */
  const actorOf = (request: Parameters<RouteDeps["checkApiKey"]>[0]): string => {
    if (keyring.open) return OPEN_DEVELOPMENT_LABEL;
    const key = presentedApiKey(request);
    const label = key === undefined ? undefined : keyring.identify(key);
    if (label === undefined) throw new UnauthorizedError();
    return label;
  };
  const rateLimit = deps.postRateLimit && {
    max: deps.postRateLimit.max,
    timeWindow: deps.postRateLimit.timeWindowMs,
  };

  app.get(
    "/api/animals/:id/enrichment",
    {
      schema: {
        summary: "An animal's published results, with provenance and review state",
        tags: ["review"],
        params: animalParamsSchema,
        response: {
          200: animalEnrichmentResponseSchema,
          ...commonErrorResponses,
          404: errorBodySchema,
        },
      },
    },
    async (request) => {
      const review = await loadAnimalReview(services.db, request.params.id);
      if (!review) throw new NotFoundError(`Unknown animal: ${request.params.id}`);
      const mode = effectiveReviewMode(
        review.animal.organizationConfig,
        services.config.reviewMode,
      );
      return animalEnrichmentJson(review, mode);
    },
  );

  app.get(
    "/api/llm/review",
    {
      onRequest: async (request) => deps.checkApiKey(request),
      schema: {
        summary: "The review queue: items by state, with counts per state (keyset pages)",
        tags: ["review"],
        security: API_KEY_SECURITY,
        querystring: reviewQueueQuerySchema,
        response: {
          200: reviewQueueResponseSchema,
          ...commonErrorResponses,
          401: errorBodySchema,
          404: errorBodySchema,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const view = await readReviewQueue(services.db, {
        organization: q.organization_id,
        processingType: q.processing_type,
        language: q.language,
        state: q.state,
        search: q.q,
        after: q.after,
        before: q.before,
        limit: q.limit,
      });
      return {
        items: view.page.rows.map(queueRowJson),
        counts: view.counts,
        next_cursor: view.page.nextCursor ? encodeQueueCursor(view.page.nextCursor) : null,
        prev_cursor: view.page.prevCursor ? encodeQueueCursor(view.page.prevCursor) : null,
      };
    },
  );

  app.post(
    "/api/llm/review/:animal_id",
    {
      onRequest: async (request) => deps.checkApiKey(request),
      ...(rateLimit && { config: { rateLimit } }),
      schema: {
        summary: "Approve, reject or edit one result of an animal",
        tags: ["review"],
        security: API_KEY_SECURITY,
        params: reviewActionParamsSchema,
        body: reviewActionBodySchema,
        response: { 200: reviewActionResponseSchema, ...postErrorResponses, 404: errorBodySchema },
      },
    },
    async (request) => {
      const body = request.body;
      const outcome = await applyReviewAction(
        services.db,
        { label: actorOf(request), via: "api" },
        {
          animalId: request.params.animal_id,
          processingType: body.processing_type,
          targetLanguage: body.target_language,
          action: body.action,
          text: body.text,
          profile: body.profile,
          reason: body.reason,
        },
      );
      const current = versionInEffect(outcome.item);
      return {
        animal_id: outcome.item.animalId,
        processing_type: outcome.item.processingType,
        target_language: outcome.item.targetLanguage === "" ? null : outcome.item.targetLanguage,
        action: body.action,
        review_state: outcome.item.reviewState,
        published: current !== undefined && current.id === outcome.item.published?.id,
        version_id: current?.id ?? null,
        findings: [...outcome.findings],
      };
    },
  );
};
