// POST /api/llm/translate: translate free text (not stored), through the same core as the CLI.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { assertFeatureEnabled } from "../../enrichment/processing-types/processing-types.js";
import { translationType } from "../../enrichment/processing-types/translation-type.js";
import { translateText } from "../../enrichment/translate-text.js";
import { ValidationError } from "../../errors.js";
import { TranslationRejectedError } from "../translation-rejected-error.js";
import { API_KEY_SECURITY, type RouteDeps } from "../route-deps.js";
import { errorBodySchema, postErrorResponses } from "../schemas/error-schemas.js";
import { translateBodySchema, translateResponseSchema } from "../schemas/translate-schemas.js";

/** ISO 639-2 "undetermined": the source was too short to tell its language. */
const UNDETERMINED_LANGUAGE = "und";

export const translateRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { services } = deps;
  const rateLimit = deps.postRateLimit && {
    max: deps.postRateLimit.max,
    timeWindow: deps.postRateLimit.timeWindowMs,
  };

  app.post(
    "/api/llm/translate",
    {
      onRequest: async (request) => deps.checkApiKey(request),
      ...(rateLimit && { config: { rateLimit } }),
      schema: {
        summary: "Translate text",
        tags: ["enrichment"],
        security: API_KEY_SECURITY,
        body: translateBodySchema,
        response: {
          200: translateResponseSchema,
          ...postErrorResponses,
          403: errorBodySchema,
          422: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request) => {
      const body = request.body;
      // Free text is translated by the translation type's own function, under its feature flag.
      assertFeatureEnabled(services.config, translationType);
      const outcome = await translateText(
        { llm: services.llm, cache: services.cache, config: services.config },
        {
          text: body.text,
          targetLanguage: body.target_language,
          ...(body.source_language !== undefined && { sourceLanguage: body.source_language }),
        },
      );
      if (outcome.status === "skipped") {
        if (outcome.sourceLanguage === body.target_language) {
          // Already in the target language: the text is its own translation, no model involved.
          return {
            translated_text: body.text,
            source_language: body.target_language,
            target_language: body.target_language,
            model: "none",
          };
        }
        throw new ValidationError(`text: ${outcome.reason}`, "text");
      }
      if (outcome.status === "failed") {
        // The provider failed rather than the answer: its error (an outage, 503), not a bad
        // translation.
        const providerError = outcome.calls[outcome.calls.length - 1]?.error;
        if (providerError !== undefined) throw providerError;
        throw new TranslationRejectedError(outcome.reasons);
      }
      return {
        translated_text: outcome.value.text,
        source_language: outcome.value.sourceLanguage ?? UNDETERMINED_LANGUAGE,
        target_language: body.target_language,
        model: outcome.model,
      };
    },
  );
};
