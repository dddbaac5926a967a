// Builds the HTTP API (SPEC §5) without listening: `serve` listens, tests use inject().
import { randomUUID } from "node:crypto";
import fastifyCors from "@fastify/cors";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { LogController } from "fastify";
import {
  createJsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { NotFoundError, RateLimitedError } from "../errors.js";
import { createMetrics } from "../observability/metrics.js";
import { createApiKeyCheck } from "./api-key-auth.js";
import type { AppServices } from "./app-services.js";
import { handleError } from "./error-handler.js";
import type { RouteDeps } from "./route-deps.js";
import { enrichRoutes } from "./routes/enrich-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { jobRoutes } from "./routes/job-routes.js";
import { metricsRoutes } from "./routes/metrics-routes.js";
import { statsRoutes } from "./routes/stats-routes.js";
import { translateRoutes } from "./routes/translate-routes.js";
import { reviewApiRoutes } from "./review/review-api-routes.js";
import { experimentRoutes } from "./routes/experiment-routes.js";
import { reviewPages } from "./review/review-pages.js";

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const DOCS_PREFIX = "/docs";

export interface RateLimitOptions {
  /** Requests per client (IP) per window, any route. */
  readonly max: number;
  /** Requests per client per window on the POST routes, which spend LLM money. */
  readonly postMax: number;
  readonly timeWindowMs: number;
}

export interface BuildAppOptions {
  /** Per-client limits; `false` turns them off (benchmarks). Default 600 / 60 per minute. */
  readonly rateLimit?: RateLimitOptions | false;
  /** Deadline of that probe; default 3000 ms. */
  readonly healthTimeoutMs?: number;
  /** Keep-alive comment interval on event streams; default 15000 ms. */
  readonly sseHeartbeatMs?: number;
  /**
   * How long identical GET /api/llm/stats requests share one answer (concurrent ones always
   * share one query); default 1000 ms.
   */
  readonly statsCacheTtlMs?: number;
  /** Trust X-Forwarded-For (behind a reverse proxy) for the client address; default false. */
  readonly trustProxy?: boolean;
}

const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 600, postMax: 60, timeWindowMs: 60_000 };

export async function buildApp(services: AppServices, options: BuildAppOptions = {}) {
  const { config } = services;
  // Throws in production without API_KEYS: a server that would run unprotected never starts.
  const checkApiKey = createApiKeyCheck(config);
  const metrics = services.metrics ?? createMetrics({ defaultMetrics: false });
  if (services.metrics === undefined) metrics.observeCache(() => services.cache.stats());
  const rateLimit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;

  const app = Fastify({
    loggerInstance: services.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    genReqId: () => randomUUID(),
    // Our own concise request log lines below; fastify's would log every request twice.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(async (request) => {
    throw new NotFoundError(`No route ${request.method} ${request.url.split("?")[0] ?? ""}`);
  });
  // JSON only: a text/plain body is a wrong content type (415), not a string to validate.
  app.removeContentTypeParser(["text/plain"]);

  const openStreams = new Set<() => void>();
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.recordHttpRequest({
      method: request.method,
      route,
      statusCode: reply.statusCode,
      durationMs: reply.elapsedTime,
    });
    // Method and route only: never headers (keys) or query strings.
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request done",
    );
  });
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
    // Event streams would otherwise hold the server open until their jobs end.
    for (const end of [...openStreams]) end();
  });
  app.addHook("onSend", async (_request, reply) => {
    // A kept-alive connection would hold close() open after the last in-flight answer.
    if (closing) reply.header("connection", "close");
  });

  await app.register(fastifyHelmet, {
    // Swagger UI brings its own CSP for its pages (staticCSP below); the JSON API needs none
    // beyond helmet's default.
    global: true,
  });
  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: [...config.corsOrigins],
      methods: ["GET", "POST"],
      allowedHeaders: ["content-type", "authorization", "x-api-key"],
      exposedHeaders: ["retry-after", "x-request-id"],
    });
  }
  if (rateLimit !== false) {
    await app.register(fastifyRateLimit, {
      max: rateLimit.max,
      timeWindow: rateLimit.timeWindowMs,
      errorResponseBuilder: (_request, context) =>
        new RateLimitedError(Math.max(1, Math.ceil(context.ttl / 1000))),
    });
  }

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "rescue-llm",
        description: "LLM enrichment for rescue-dog adoption listings",
        version: "0.1.0",
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "A key from API_KEYS" },
          apiKeyHeader: {
            type: "apiKey",
            in: "header",
            name: "X-API-Key",
            description: "A key from API_KEYS",
          },
        },
      },
    },
    transform: createJsonSchemaTransform({
      skipList: [
        "/openapi.json",
        `${DOCS_PREFIX}`,
        `${DOCS_PREFIX}/`,
        `${DOCS_PREFIX}/*`,
        `${DOCS_PREFIX}/json`,
        `${DOCS_PREFIX}/yaml`,
        `${DOCS_PREFIX}/static/*`,
        `${DOCS_PREFIX}/uiConfig`,
        `${DOCS_PREFIX}/initOAuth`,
      ],
    }),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX, staticCSP: true });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  const deps: RouteDeps = {
    services,
    metrics,
    checkApiKey,
    postRateLimit:
      rateLimit === false
        ? undefined
        : { max: rateLimit.postMax, timeWindowMs: rateLimit.timeWindowMs },
    healthTimeoutMs: options.healthTimeoutMs ?? 3000,
    sseHeartbeatMs: options.sseHeartbeatMs ?? 15_000,
    statsCacheTtlMs: options.statsCacheTtlMs ?? 1000,
    openStreams,
  };
  await app.register(enrichRoutes, deps);
  await app.register(translateRoutes, deps);
  await app.register(statsRoutes, deps);
  await app.register(healthRoutes, deps);
  await app.register(jobRoutes, deps);
  await app.register(metricsRoutes, deps);
  await app.register(reviewApiRoutes, deps);
  await app.register(experimentRoutes, deps);
  await app.register(reviewPages, deps);
  await app.ready();
  return app;
}

export type ApiApp = Awaited<ReturnType<typeof buildApp>>;
