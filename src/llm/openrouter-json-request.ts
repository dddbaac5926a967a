// One HTTP attempt at an OpenRouter JSON endpoint other than chat completions (the Batch API,
// the model list), with the chat client's rules: plain `fetch`, one deadline covering the whole
// attempt body included, the caller's AbortSignal, the same headers, and failures as LlmError
// through the chat client's status mapping (so one table decides what is retryable).
import { LlmError, type LlmErrorCategory } from "../errors.js";

export interface OpenRouterHttpOptions {
  readonly apiKey: string | undefined;
  /** Deadline per HTTP attempt, response body included (LLM_TIMEOUT_SECONDS). */
  readonly timeoutMs: number;
  /** Sent as HTTP-Referer (OpenRouter app attribution). */
  readonly referer?: string;
  readonly fetch?: typeof fetch;
  /** Clock for Retry-After dates (tests). */
  readonly now?: () => number;
}

export interface JsonAnswer {
  readonly status: number;
  /** The parsed body; undefined when it was not JSON. */
  readonly body: unknown;
}

const DEFAULT_REFERER = "https://github.com/rescue-llm/rescue-llm";

/** Sends one request; resolves for 2xx, throws LlmError otherwise (or the caller's abort reason). */
export async function requestOpenRouterJson(
  options: OpenRouterHttpOptions,
  request: {
    readonly method: "GET" | "POST" | "DELETE";
    readonly url: string;
    /** Serialised as given: key order is kept (the Batch API cares). */
    readonly body?: string;
    readonly signal?: AbortSignal;
  },
): Promise<JsonAnswer> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const redact = (text: string) => redactSecret(text, options.apiKey);
  // One controller per attempt, released in `finally` (see openrouter-client.ts for why).
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onCallerAbort = () => controller.abort(request.signal?.reason);
  request.signal?.addEventListener("abort", onCallerAbort, { once: true });
  if (request.signal?.aborted) controller.abort(request.signal.reason);
  const headers: Record<string, string> = {
    "HTTP-Referer": options.referer ?? DEFAULT_REFERER,
    "X-Title": "rescue-llm",
  };
  if (request.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.apiKey !== undefined) headers.Authorization = `Bearer ${options.apiKey}`;

  let status: number;
  let text: string;
  let retryAfterHeader: string | null;
  let rateLimitResetHeader: string | null;
  try {
    const response = await doFetch(request.url, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: controller.signal,
    });
    status = response.status;
    retryAfterHeader = response.headers.get("retry-after");
    rateLimitResetHeader = response.headers.get("x-ratelimit-reset");
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason ?? error;
    if (timedOut) {
      throw new LlmError(
        "timeout",
        `OpenRouter ${request.method} exceeded its ${options.timeoutMs} ms deadline`,
        { cause: error },
      );
    }
    throw new LlmError("network", `OpenRouter unreachable: ${redact(describeCause(error))}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", onCallerAbort);
  }
  const body = parseJson(text);
  if (status < 200 || status >= 300)
    throw httpError(
      status,
      body,
      retryWaitMs(retryAfterHeader, rateLimitResetHeader, (options.now ?? Date.now)()),
      redact,
    );
  return { status, body };
}

/** Whether the attempt failed before any byte reached the server (safe to send again). */
export function neverReachedServer(error: unknown): boolean {
  if (!(error instanceof LlmError) || error.category !== "network") return false;
  const cause = (error.cause as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === "ECONNREFUSED" || cause?.code === "ENOTFOUND";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const STATUS_CATEGORY: Record<number, LlmErrorCategory> = {
  400: "bad_request",
  401: "auth",
  402: "payment_required",
  403: "forbidden",
  408: "timeout",
  429: "rate_limited",
  524: "timeout",
};

function categoryForStatus(status: number): LlmErrorCategory {
  const known = STATUS_CATEGORY[status];
  if (known) return known;
  if (status >= 500) return "provider_unavailable"; // 502, 503, 529 and the rest
  if (status === 404 || status === 422) return "bad_request";
  return "invalid_response";
}

export function httpError(
  status: number,
  body: unknown,
  retryAfterMs: number | undefined,
  redact: (s: string) => string,
): LlmError {
  const category = categoryForStatus(status);
  const detail = errorMessage(body);
  const message = `LLM provider returned HTTP ${status}${detail ? `: ${redact(detail)}` : ""}`;
  return new LlmError(category, message, {
    status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/**
 * Margin added to a reset instant: the provider's window edge is on its clock, and a request
 * sent exactly at it may still land in the old window.
 */
export const RESET_MARGIN_MS = 25;

/**
 * How long a refusal asks us to wait. Retry-After counts whole seconds, so a window that resets
 * in 40 ms reads "1"; OpenRouter's X-RateLimit-Reset is the instant itself, in epoch
 * milliseconds. That instant (plus a margin) is used when it is at hand and no later than
 * Retry-After: a 429 near a window's end then costs every worker 40 ms, not a second. A reset
 * in epoch seconds is no finer than Retry-After and is left alone.
 */
export function retryWaitMs(
  retryAfter: string | null | undefined,
  rateLimitReset: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const retryAfterMs = parseRetryAfterMs(retryAfter, nowMs);
  // Missing, empty or garbage reads as 0 or NaN; epoch milliseconds have 13 digits until the
  // year 2286, epoch seconds 10.
  const resetAtMs = Number(rateLimitReset);
  if (!Number.isFinite(resetAtMs) || resetAtMs < 1e12) return retryAfterMs;
  const untilReset = Math.max(0, resetAtMs - nowMs) + RESET_MARGIN_MS;
  return retryAfterMs === undefined ? untilReset : Math.min(retryAfterMs, untilReset);
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** `{"error": {"message": …}}` (OpenRouter envelope), or `{"error": "…"}`. */
export function errorMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const error = body.error;
  if (typeof error === "string") return error.slice(0, 500);
  if (isObject(error) && typeof error.message === "string") {
    const code =
      typeof error.code === "string" || typeof error.code === "number"
        ? ` (code ${error.code})`
        : "";
    return `${error.message.slice(0, 500)}${code}`;
  }
  return undefined;
}

export function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? error.message;
}

export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join("[redacted]");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
