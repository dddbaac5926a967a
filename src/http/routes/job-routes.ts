// POST /api/llm/jobs (202 + id), GET /api/llm/jobs/:id, GET /api/llm/jobs/:id/events (SSE).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { toJobStateJson } from "../../contract/job-state-json.js";
import { resolveRunRequest } from "../../enrichment/pipeline/resolve-run-request.js";
import { NotFoundError, QueueUnavailableError } from "../../errors.js";
import type { JobQueue } from "../../jobs/job-queue.js";
import { streamJobEvents } from "../job-event-stream.js";
import { API_KEY_SECURITY, type RouteDeps } from "../route-deps.js";
import {
  commonErrorResponses,
  errorBodySchema,
  postErrorResponses,
} from "../schemas/error-schemas.js";
import {
  createJobBodySchema,
  createJobResponseSchema,
  jobIdParamsSchema,
  jobStateSchema,
} from "../schemas/job-schemas.js";

export const jobRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { services } = deps;
  const rateLimit = deps.postRateLimit && {
    max: deps.postRateLimit.max,
    timeWindow: deps.postRateLimit.timeWindowMs,
  };
  const queue = (): JobQueue => {
    if (!services.jobs) throw new QueueUnavailableError("This server runs no job queue");
    return services.jobs;
  };
  const findJob = async (id: string) => {
    const state = await queue().get(id);
    if (!state) throw new NotFoundError(`Unknown job: ${id}`);
    return state;
  };

  app.post(
    "/api/llm/jobs",
    {
      onRequest: async (request) => deps.checkApiKey(request),
      ...(rateLimit && { config: { rateLimit } }),
      schema: {
        summary: "Queue enrichment of an organization, a list of animals, or everything",
        tags: ["jobs"],
        security: API_KEY_SECURITY,
        body: createJobBodySchema,
        response: {
          202: createJobResponseSchema,
          ...postErrorResponses,
          403: errorBodySchema,
          404: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const plan = await resolveRunRequest(
        services.pipeline,
        {
          processingType: body.processing_type,
          organization: body.organization_id,
          animalIds: body.animal_ids,
          targetLanguages: body.target_languages,
          limit: body.limit,
          force: body.force,
          mode: body.mode,
        },
        {
          organization: "organization_id",
          animalIds: "animal_ids",
          targetLanguages: "target_languages",
        },
      );
      const { id } = await queue().enqueue(plan);
      const statusUrl = `/api/llm/jobs/${encodeURIComponent(id)}`;
      return reply
        .status(202)
        .header("location", statusUrl)
        .send({ id, status_url: statusUrl, events_url: `${statusUrl}/events` });
    },
  );

  app.get(
    "/api/llm/jobs/:id",
    {
      schema: {
        summary: "A job's state, counts and cost",
        tags: ["jobs"],
        params: jobIdParamsSchema,
        response: {
          200: jobStateSchema,
          ...commonErrorResponses,
          404: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request) => toJobStateJson(await findJob(request.params.id)),
  );

  app.get(
    "/api/llm/jobs/:id/events",
    {
      schema: {
        summary: "Server-sent events: the job's state now, then on every change, until it ends",
        description:
          "Each event's data is a JobState. Event `state` while the job runs; the last event is `end`, carrying the terminal state, after which the server closes the stream.",
        tags: ["jobs"],
        params: jobIdParamsSchema,
        response: {
          200: {
            description: "An event stream",
            content: { "text/event-stream": { schema: z.string() } },
          },
          ...commonErrorResponses,
          404: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const initial = await findJob(request.params.id);
      await streamJobEvents(queue(), initial, request, reply, {
        heartbeatMs: deps.sseHeartbeatMs,
        openStreams: deps.openStreams,
      });
    },
  );
};
