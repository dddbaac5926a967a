// GET /api/health/llm: configuration validity and provider reachability, never a secret.
import { z } from "zod";

export const healthResponseSchema = z
  .object({
    status: z.enum(["ok", "degraded"]).describe("degraded: the provider could not be reached"),
    config: z.object({
      valid: z.boolean(),
      environment: z.string(),
      base_url: z.string().describe("LLM_BASE_URL without credentials or query"),
      default_model: z.string(),
      api_key_configured: z.boolean(),
      api_keys_configured: z.boolean().describe("Whether API_KEYS protects the POST routes"),
      features: z.record(z.string(), z.boolean()),
      warnings: z.array(z.string()),
    }),
    provider: z.object({
      reachable: z.boolean(),
      status_code: z.number().int().nullable(),
      latency_ms: z.number().int(),
      error: z.string().nullable(),
    }),
  })
  .meta({ id: "LlmHealth" });

export type HealthResponse = z.infer<typeof healthResponseSchema>;
