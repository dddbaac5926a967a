// LlmClient over OpenRouter's OpenAI-compatible chat-completions API (any LLM_BASE_URL).
//
// Plain `fetch` rather than the `openai` package, because:
//  - one deadline must cover the whole HTTP attempt, body included, so a provider that
//    stalls after the headers still ends (requestOpenRouterJson, shared with the Batch API
//    client and the model price list);
//  - retries must be ours alone (retry-policy.ts) so they are counted, honour Retry-After
//    and go through the shared rate-limit gate (hooks) — no hidden SDK retries to multiply;
//  - OpenRouter-specific fields (`models[]`, `usage.include`, `usage.cost`, errors inside a
//    200) are read directly instead of through another library's types;
//  - `fetch` is injectable, and tests talk to a real local fake server.
import { LlmError, type LlmErrorCategory } from "../errors.js";
import type {
  LlmClient,
  LlmRequest,
  LlmResponse,
  ResponseFormat,
} from "../enrichment/llm-client.js";
import {
  errorMessage,
  redactSecret,
  requestOpenRouterJson,
  type OpenRouterHttpOptions,
} from "./openrouter-json-request.js";
import { retryLlmCall, type RetryDeps, type RetryOptions } from "./retry-policy.js";

export interface AttemptInfo {
  /** 1-based attempt number within this logical call. */
  readonly attempt: number;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** Failure category, absent on success. */
  readonly category: LlmErrorCategory | undefined;
  readonly latencyMs: number;
}

export interface OpenRouterClientHooks {
  /** Awaited before every HTTP attempt; a shared gate may delay it (e.g. after a 429). */
  beforeAttempt?(): Promise<void>;
  /** Called on every 429 with the wait the provider asked for (or our base delay). */
  onRateLimited?(retryAfterMs: number): void;
  /** Called after every attempt, success or failure. */
  onAttempt?(info: AttemptInfo): void;
}

export interface OpenRouterClientOptions extends OpenRouterHttpOptions {
  /** e.g. https://openrouter.ai/api/v1 (LLM_BASE_URL). */
  readonly baseUrl: string;
  readonly defaultModel: string;
  /** Sent as OpenRouter `models[]` (LLM_FALLBACK_MODELS). */
  readonly fallbackModels?: readonly string[];
  readonly retry: RetryOptions;
  readonly hooks?: OpenRouterClientHooks;
  /** Retry sleep/random injection for tests. */
  readonly retryDeps?: Pick<RetryDeps, "sleep" | "random">;
}

/** What GET /api/health/llm reports about the provider, in words of our own (no key, no raw error). */
export interface ProviderProbe {
  readonly reachable: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

export interface ProviderHealthCheck {
  /** One GET {LLM_BASE_URL}/models within `timeoutMs`: is the provider there, does it take our key? */
  checkHealth(timeoutMs: number): Promise<ProviderProbe>;
}

export type OpenRouterClient = LlmClient & ProviderHealthCheck;

export function createOpenRouterClient(options: OpenRouterClientOptions): OpenRouterClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const url = `${baseUrl}/chat/completions`;
  const hooks = options.hooks ?? {};
  const now = options.now ?? Date.now;
  const redact = (text: string) => redactSecret(text, options.apiKey);

  async function attemptOnce(
    request: LlmRequest,
    attempt: number,
  ): Promise<Omit<LlmResponse, "latencyMs" | "attempts">> {
    await hooks.beforeAttempt?.();
    const started = performance.now();
    let status: number | undefined;
    try {
      const result = await send(request);
      hooks.onAttempt?.({
        attempt,
        status: 200,
        category: undefined,
        latencyMs: performance.now() - started,
      });
      return result;
    } catch (error) {
      const llmError = error instanceof LlmError ? error : undefined;
      status = llmError?.status;
      if (llmError?.category === "rate_limited") {
        hooks.onRateLimited?.(llmError.retryAfterMs ?? options.retry.baseDelayMs);
      }
      hooks.onAttempt?.({
        attempt,
        status,
        category: llmError?.category,
        latencyMs: performance.now() - started,
      });
      throw error;
    }
  }

  async function send(request: LlmRequest): Promise<Omit<LlmResponse, "latencyMs" | "attempts">> {
    const { status, body } = await requestOpenRouterJson(
      { ...options, fetch: doFetch, now },
      {
        method: "POST",
        url,
        body: JSON.stringify(requestBody(options, request)),
        ...(request.signal ? { signal: request.signal } : {}),
      },
    );
    if (!isObject(body)) {
      throw new LlmError(
        "invalid_response",
        `LLM provider sent an unparsable body (HTTP ${status})`,
        { status },
      );
    }
    return readCompletion(body, status, redact);
  }

  return {
    async complete(request) {
      const started = performance.now();
      let attempts = 0;
      const result = await retryLlmCall(
        (n) => {
          attempts = n;
          return attemptOnce(request, n);
        },
        options.retry,
        { ...options.retryDeps, ...(request.signal ? { signal: request.signal } : {}) },
      );
      return { ...result, latencyMs: Math.round(performance.now() - started), attempts };
    },

    async checkHealth(timeoutMs) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      try {
        const response = await doFetch(`${baseUrl}/models`, {
          method: "GET",
          // OpenRouter lists models without a key; OpenAI-compatible servers may want one.
          headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Drain the body so the connection is released; its content is not needed.
        await response.body?.cancel();
        const reachable = response.status < 500;
        const rejectedKey = response.status === 401 || response.status === 403;
        return {
          reachable,
          statusCode: response.status,
          latencyMs: elapsed(),
          error: !reachable
            ? `provider answered HTTP ${response.status}`
            : rejectedKey
              ? "provider rejected the API key"
              : null,
        };
      } catch (error) {
        const timedOut = error instanceof DOMException && error.name === "TimeoutError";
        return {
          reachable: false,
          statusCode: null,
          latencyMs: elapsed(),
          error: timedOut ? `no answer within ${timeoutMs} ms` : "connection failed",
        };
      }
    },
  };
}

function requestBody(
  options: OpenRouterClientOptions,
  request: LlmRequest,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model ?? options.defaultModel,
    messages: request.messages,
    temperature: request.temperature,
    usage: { include: true },
  };
  if (options.fallbackModels && options.fallbackModels.length > 0)
    body.models = [...options.fallbackModels];
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.responseFormat) body.response_format = responseFormat(request.responseFormat);
  return body;
}

export function responseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type === "json_object") return { type: "json_object" };
  return {
    type: "json_schema",
    json_schema: { name: format.name, strict: true, schema: format.schema },
  };
}

export function readCompletion(
  body: Record<string, unknown>,
  status: number,
  redact: (s: string) => string,
): Omit<LlmResponse, "latencyMs" | "attempts"> {
  // OpenRouter may report a failure inside a 200: a top-level `error` with no choices …
  if (body.error !== undefined && !Array.isArray(body.choices)) {
    const detail = errorMessage(body);
    throw new LlmError(
      "provider_error",
      `LLM provider reported an error${detail ? `: ${redact(detail)}` : ""}`,
      {
        status,
      },
    );
  }
  const choices = body.choices;
  const choice = Array.isArray(choices) && isObject(choices[0]) ? choices[0] : undefined;
  if (!choice) throw new LlmError("invalid_response", "LLM response has no choices", { status });
  const finishReason = typeof choice.finish_reason === "string" ? choice.finish_reason : "unknown";
  // … or a choice that finished with `error`.
  if (finishReason === "error" || choice.error !== undefined) {
    const detail = errorMessage(choice);
    throw new LlmError(
      "provider_error",
      `LLM provider reported an error${detail ? `: ${redact(detail)}` : ""}`,
      {
        status,
      },
    );
  }
  const message = isObject(choice.message) ? choice.message : undefined;
  const content = typeof message?.content === "string" ? message.content : "";
  if (content.trim() === "") {
    throw new LlmError("empty_output", `LLM returned no content (finish_reason: ${finishReason})`, {
      status,
    });
  }
  const usage = isObject(body.usage) ? body.usage : {};
  return {
    content,
    model: typeof body.model === "string" ? body.model : "unknown",
    finishReason,
    promptTokens: numberOr0(usage.prompt_tokens),
    completionTokens: numberOr0(usage.completion_tokens),
    costUsd: numberOr0(usage.cost),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numberOr0(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
