// Scripted answers for the fake OpenRouter: each step reproduces one documented provider
// behaviour (https://openrouter.ai/docs/api-reference/errors), so client tests can drive
// every outcome through real HTTP.

/** Statuses OpenRouter documents for its error envelope. */
export type FakeErrorStatus = 400 | 401 | 402 | 403 | 408 | 429 | 500 | 502 | 503 | 524 | 529;

export type FakeStep =
  /** Non-2xx with `{"error":{"code","message","metadata"}}`. */
  | {
      readonly kind: "http_error";
      readonly status: FakeErrorStatus;
      readonly message?: string;
      readonly metadata?: Record<string, unknown>;
      /** Sent as Retry-After (seconds, or an HTTP date string). */
      readonly retryAfter?: number | string;
    }
  /** HTTP 200 whose only choice finished with `error` and carries `choices[0].error`. */
  | { readonly kind: "error_in_choice"; readonly code?: number; readonly message?: string }
  /** HTTP 200 with a top-level `error` and no `choices`. */
  | { readonly kind: "error_in_body"; readonly code?: number; readonly message?: string }
  /** HTTP 200, empty content, `finish_reason: "length"`. */
  | { readonly kind: "empty_length" }
  /** HTTP 200 with this content verbatim (fenced JSON, trailing commas, truncated JSON…). */
  | {
      readonly kind: "content";
      readonly content: string;
      readonly finishReason?: string;
      /** The served model to report; default the resolved request model. */
      readonly model?: string;
    }
  /** The primary model "failed" and OpenRouter served the first of the request's `models[]`. */
  | { readonly kind: "fallback_served"; readonly content?: string }
  /** Sends 200 headers and the start of a body, then never finishes. */
  | { readonly kind: "stall_after_headers" }
  /** HTTP 200 whose body is not JSON. */
  | { readonly kind: "unparsable_body"; readonly body?: string }
  /** Destroys the connection without any response (a network error for the client). */
  | { readonly kind: "drop_connection" };

const DEFAULT_MESSAGES: Record<FakeErrorStatus, string> = {
  400: "Bad Request: invalid or missing parameters",
  401: "Invalid credentials: no auth credentials found or API key is invalid",
  402: "Insufficient credits: add more credits and retry",
  403: "Input was flagged by moderation",
  408: "Request timed out",
  429: "Rate limited: too many requests",
  500: "Internal server error",
  502: "Provider returned error: the chosen model is down or returned an invalid response",
  503: "No available model provider meets your routing requirements",
  524: "Provider timed out (Cloudflare 524)",
  529: "Provider is overloaded",
};

const DEFAULT_METADATA: Partial<Record<FakeErrorStatus, Record<string, unknown>>> = {
  403: {
    reasons: ["violence"],
    flagged_input: "…",
    provider_name: "fake",
    model_slug: "fake/model",
  },
  502: { provider_name: "fake", raw: "upstream connection error" },
  529: { provider_name: "fake", raw: "overloaded" },
};

/** OpenRouter's error envelope. */
export function errorEnvelope(
  code: number,
  message?: string,
  metadata?: Record<string, unknown>,
): { error: { code: number; message: string; metadata?: Record<string, unknown> } } {
  const fallback = (DEFAULT_MESSAGES as Record<number, string>)[code] ?? "Error";
  const meta = metadata ?? (DEFAULT_METADATA as Record<number, Record<string, unknown>>)[code];
  return { error: { code, message: message ?? fallback, ...(meta ? { metadata: meta } : {}) } };
}

/** Readable constructors for tests: `fake.script(fakeStep.httpError(429, { retryAfter: 2 }))`. */
export const fakeStep = {
  httpError: (
    status: FakeErrorStatus,
    options: {
      message?: string;
      metadata?: Record<string, unknown>;
      retryAfter?: number | string;
    } = {},
  ): FakeStep => ({ kind: "http_error", status, ...options }),
  errorInChoice: (options: { code?: number; message?: string } = {}): FakeStep => ({
    kind: "error_in_choice",
    ...options,
  }),
  errorInBody: (options: { code?: number; message?: string } = {}): FakeStep => ({
    kind: "error_in_body",
    ...options,
  }),
  emptyLength: (): FakeStep => ({ kind: "empty_length" }),
  content: (
    content: string,
    options: { finishReason?: string; model?: string } = {},
  ): FakeStep => ({
    kind: "content",
    content,
    ...options,
  }),
  fallbackServed: (content?: string): FakeStep =>
    content === undefined ? { kind: "fallback_served" } : { kind: "fallback_served", content },
  stallAfterHeaders: (): FakeStep => ({ kind: "stall_after_headers" }),
  unparsableBody: (body?: string): FakeStep =>
    body === undefined ? { kind: "unparsable_body" } : { kind: "unparsable_body", body },
  dropConnection: (): FakeStep => ({ kind: "drop_connection" }),
} as const;

/** The transient statuses `failureRate` draws from. */
export const TRANSIENT_FAILURE_STATUSES: readonly FakeErrorStatus[] = [502, 503, 529];
