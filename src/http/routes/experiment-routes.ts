// GET /api/llm/experiments (every experiment with its arms) and GET /api/llm/experiments/:id
// (arms, metrics per arm, differences from the control with 95% intervals, the verdict).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { toExperimentJson, toExperimentReportJson } from "../../contract/experiment-json.js";
import { listExperiments, loadExperimentReport } from "../../db/experiment-store.js";
import type { RouteDeps } from "../route-deps.js";
import { commonErrorResponses, errorBodySchema } from "../schemas/error-schemas.js";
import {
  experimentListResponseSchema,
  experimentParamsSchema,
  experimentReportResponseSchema,
} from "../schemas/experiment-schemas.js";

export const experimentRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db } = deps.services;

  app.get(
    "/api/llm/experiments",
    {
      schema: {
        summary: "Prompt experiments and their arms",
        tags: ["experiments"],
        response: { 200: experimentListResponseSchema, ...commonErrorResponses },
      },
    },
    async () => (await listExperiments(db)).map(toExperimentJson),
  );

  app.get(
    "/api/llm/experiments/:id",
    {
      schema: {
        summary: "An experiment's arms, metrics with 95% intervals, and verdict",
        tags: ["experiments"],
        params: experimentParamsSchema,
        response: {
          200: experimentReportResponseSchema,
          ...commonErrorResponses,
          404: errorBodySchema,
        },
      },
    },
    async (request) => toExperimentReportJson(await loadExperimentReport(db, request.params.id)),
  );
};
