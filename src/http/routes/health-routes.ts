// GET /api/health/llm: is the configuration usable, and does the provider answer?
// Always 200 when this server runs: it is a report for people and dashboards, and an LLM
// outage must not make an orchestrator restart a server that cannot fix it.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { postRoutesOpen } from "../api-key-auth.js";
import type { RouteDeps } from "../route-deps.js";
import { commonErrorResponses } from "../schemas/error-schemas.js";
import { healthResponseSchema, type HealthResponse } from "../schemas/health-schemas.js";

export const healthRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { config } = deps.services;

  app.get(
    "/api/health/llm",
    {
      schema: {
        summary: "Configuration validity and LLM provider reachability",
        tags: ["health"],
        response: { 200: healthResponseSchema, ...commonErrorResponses },
      },
    },
    async (): Promise<HealthResponse> => {
      const warnings: string[] = [];
      if (config.llm.apiKey === undefined)
        warnings.push("OPENROUTER_API_KEY is not set: provider calls will be refused");
      if (postRoutesOpen(config))
        warnings.push("API_KEYS is not set: POST routes are open (development only)");
      const enabled = Object.entries(config.features).filter(([, on]) => on);
      if (enabled.length === 0) warnings.push("every LLM_FEATURE_* flag is off");
      const provider = await deps.services.provider.checkHealth(deps.healthTimeoutMs);
      return {
        status: provider.reachable ? "ok" : "degraded",
        config: {
          // The config was parsed and validated at start; an invalid one never gets here.
          valid: true,
          environment: config.environment,
          base_url: displayBaseUrl(config.llm.baseUrl),
          default_model: config.llm.defaultModel,
          api_key_configured: config.llm.apiKey !== undefined,
          api_keys_configured: config.apiKeys.length > 0,
          features: { ...config.features },
          warnings,
        },
        provider: {
          reachable: provider.reachable,
          status_code: provider.statusCode,
          latency_ms: provider.latencyMs,
          error: provider.error,
        },
      };
    },
  );
};

/** LLM_BASE_URL as safe to show: no user, password, query or fragment. */
function displayBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    return url.toString().replace(/\/+$/, "");
  } catch {
    return "(invalid URL)";
  }
}
