// What every route plugin receives from buildApp().
import type { ApiKeyCheck } from "./api-key-auth.js";
import type { AppServices } from "./app-services.js";
import type { Metrics } from "../observability/metrics.js";

export interface RouteDeps {
  readonly services: AppServices;
  readonly metrics: Metrics;
  readonly checkApiKey: ApiKeyCheck;
  /** Per-client limit for the mutating routes (they spend money), per time window. */
  readonly postRateLimit: { readonly max: number; readonly timeWindowMs: number } | undefined;
  readonly healthTimeoutMs: number;
  readonly sseHeartbeatMs: number;
  /** How long a GET /api/llm/stats answer is reused for identical requests. */
  readonly statsCacheTtlMs: number;
  /** Open server-sent event streams, ended when the server closes. */
  readonly openStreams: Set<() => void>;
}

/** OpenAPI security requirement of the POST routes: either header works. */
export const API_KEY_SECURITY = [{ bearerAuth: [] }, { apiKeyHeader: [] }];
