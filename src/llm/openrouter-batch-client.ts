// BatchApi over OpenRouter's Batch API (the wire format is summarised, with the doc URLs, at
// the top of src/testing/fake-openrouter/fake-batch-api.ts). Plain fetch like the chat client:
// same headers, same error classes, the same retry policy for transient failures — except
// that a submission is only re-sent when it surely never arrived, since OpenRouter documents
// no idempotency key and a second batch would run (and bill) every request again.
import { BatchSubmissionUncertainError, LlmError, ValidationError } from "../errors.js";
import type {
  BatchApi,
  BatchApiLimits,
  BatchItemOutcome,
  BatchRequestItem,
  ProviderBatch,
  ProviderBatchStatus,
} from "../enrichment/batch-api.js";
import { PROVIDER_BATCH_STATUSES } from "../enrichment/batch-api.js";
import type { LlmErrorCategory } from "../errors.js";
import { readCompletion, responseFormat } from "./openrouter-client.js";
import {
  httpError,
  neverReachedServer,
  redactSecret,
  requestOpenRouterJson,
  type OpenRouterHttpOptions,
} from "./openrouter-json-request.js";
import { retryLlmCall, type RetryDeps, type RetryOptions } from "./retry-policy.js";

/** OpenRouter's documented limits: 5,000 requests and 200 MB per batch. */
export const OPENROUTER_BATCH_LIMITS: BatchApiLimits = {
  maxRequests: 5_000,
  maxBodyBytes: 200_000_000,
};
const CHAT_ENDPOINT = "/v1/chat/completions";
const AUTO_MODEL = "openrouter/auto";

export interface OpenRouterBatchClientOptions extends OpenRouterHttpOptions {
  /** LLM_BASE_URL, e.g. https://openrouter.ai/api/v1; the batches URL is derived from it. */
  readonly baseUrl: string;
  /** Overrides the derived batches URL (e.g. https://openrouter.ai/api/v1/batches). */
  readonly batchesUrl?: string;
  readonly retry: RetryOptions;
  readonly retryDeps?: Pick<RetryDeps, "sleep" | "random">;
  /** Lower limits than OpenRouter's, e.g. to keep batches small. */
  readonly limits?: Partial<BatchApiLimits>;
}

/**
 * The quickstart's path: chat is under /api/v1, batches under /api/beta/batches. A base URL
 * that does not end in /v1 (another OpenAI-compatible server) gets /batches appended.
 */
export function batchesUrlFor(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return /\/v1$/.test(base) ? `${base.slice(0, -3)}/beta/batches` : `${base}/batches`;
}

export function createOpenRouterBatchClient(options: OpenRouterBatchClientOptions): BatchApi {
  const root = (options.batchesUrl ?? batchesUrlFor(options.baseUrl)).replace(/\/+$/, "");
  const limits: BatchApiLimits = { ...OPENROUTER_BATCH_LIMITS, ...options.limits };
  const redact = (text: string) => redactSecret(text, options.apiKey);
  const batchUrl = (id: string, tail = "") => `${root}/${encodeURIComponent(id)}${tail}`;

  /** Idempotent calls: retried through the policy like chat calls. */
  const read = async (
    method: "GET" | "DELETE",
    url: string,
    signal: AbortSignal | undefined,
  ): Promise<unknown> =>
    retryLlmCall(
      async () => {
        try {
          return (await requestOpenRouterJson(options, { method, url, ...signalOf(signal) })).body;
        } catch (error) {
          throw sharpen(error);
        }
      },
      options.retry,
      { ...options.retryDeps, ...signalOf(signal) },
    );

  const api: BatchApi = {
    limits,

    async submit({ model, items, signal }) {
      const body = submissionBody(model, items, limits);
      const answer = await retryLlmCall(
        async () => {
          try {
            return await requestOpenRouterJson(options, {
              method: "POST",
              url: root,
              body,
              ...signalOf(signal),
            });
          } catch (error) {
            const sharp = sharpen(error);
            // Refused outright (4xx, 429) or never sent: nothing was created.
            if (!(sharp instanceof LlmError)) throw sharp;
            if (sharp.status !== undefined && sharp.status >= 400 && sharp.status < 500)
              throw sharp;
            if (neverReachedServer(sharp)) throw sharp;
            throw new BatchSubmissionUncertainError(
              `Batch submission of ${items.length} requests may or may not have reached OpenRouter (${sharp.message}); not re-sent, to avoid running them twice: list the batches to find it`,
              { cause: sharp },
            );
          }
        },
        options.retry,
        { ...options.retryDeps, ...signalOf(signal) },
      );
      try {
        return readBatch(answer.body);
      } catch (error) {
        // 2xx with a body we cannot read: the batch most likely exists.
        throw new BatchSubmissionUncertainError(
          `OpenRouter accepted a batch submission (HTTP ${answer.status}) but its answer is unreadable`,
          { cause: error },
        );
      }
    },

    async get(batchId, { signal } = {}) {
      return readBatch(await read("GET", batchUrl(batchId), signal));
    },

    async list({ after, limit, signal } = {}) {
      const query = new URLSearchParams();
      if (limit !== undefined) query.set("limit", String(limit));
      if (after !== undefined) query.set("after", after);
      const body = asObject(await read("GET", `${root}?${query.toString()}`, signal), "batch list");
      const data = Array.isArray(body.data) ? body.data : [];
      const hasMore = body.has_more === true;
      return {
        batches: data.map(readBatch),
        nextAfter: hasMore && typeof body.last_id === "string" ? body.last_id : undefined,
      };
    },

    async resultsPage(batchId, { cursor, limit, signal } = {}) {
      const query = new URLSearchParams();
      if (limit !== undefined) query.set("limit", String(limit));
      if (cursor !== undefined) query.set("cursor", cursor);
      const body = asObject(
        await read("GET", `${batchUrl(batchId, "/results")}?${query.toString()}`, signal),
        "batch results page",
      );
      const data = Array.isArray(body.data) ? body.data : [];
      return {
        // A row without a custom_id cannot be matched to a request; the caller sees that
        // request as unanswered rather than losing the whole page to one bad row.
        items: data.flatMap((row) => {
          const outcome = readOutcome(row, redact);
          return outcome ? [outcome] : [];
        }),
        nextCursor:
          body.has_more === true && typeof body.next_cursor === "string"
            ? body.next_cursor
            : undefined,
      };
    },

    async *results(batchId, { pageSize, signal } = {}) {
      let cursor: string | undefined;
      do {
        const page = await api.resultsPage(batchId, {
          ...(cursor !== undefined ? { cursor } : {}),
          ...(pageSize !== undefined ? { limit: pageSize } : {}),
          ...signalOf(signal),
        });
        yield* page.items;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    },

    async deleteBatch(batchId, { signal } = {}) {
      await read("DELETE", batchUrl(batchId), signal);
    },
  };
  return api;
}

function submissionBody(
  model: string,
  items: readonly BatchRequestItem[],
  limits: BatchApiLimits,
): string {
  if (model === AUTO_MODEL || model.trim() === "") {
    throw new ValidationError(
      `The Batch API runs one named model per batch; "${model}" is not one (set LLM_DEFAULT_MODEL to a model id)`,
      "model",
    );
  }
  if (items.length === 0) throw new ValidationError("A batch needs at least one request", "items");
  if (items.length > limits.maxRequests) {
    throw new ValidationError(
      `A batch holds at most ${limits.maxRequests} requests; got ${items.length}`,
      "items",
    );
  }
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.customId)) {
      throw new ValidationError(`custom_id ${item.customId} appears twice in one batch`, "items");
    }
    seen.add(item.customId);
  }
  // endpoint and model before requests: OpenRouter stream-parses and answers 400 otherwise.
  const body = JSON.stringify({
    endpoint: CHAT_ENDPOINT,
    model,
    requests: items.map((item) => ({ custom_id: item.customId, body: chatBody(item) })),
  });
  const bytes = Buffer.byteLength(body);
  if (bytes > limits.maxBodyBytes) {
    throw new ValidationError(
      `A batch body is at most ${limits.maxBodyBytes} bytes; these ${items.length} requests take ${bytes}`,
      "items",
    );
  }
  return body;
}

/** The chat request body, as the sync client sends it, less what a batch sets once (model). */
function chatBody({ request }: BatchRequestItem): Record<string, unknown> {
  const body: Record<string, unknown> = {
    messages: request.messages,
    temperature: request.temperature,
  };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.responseFormat) body.response_format = responseFormat(request.responseFormat);
  return body;
}

/** 409 (batch still running) and 413 (too large) are final answers, not transient ones. */
function sharpen(error: unknown): unknown {
  if (error instanceof LlmError && (error.status === 409 || error.status === 413)) {
    return new LlmError("bad_request", error.message, { status: error.status, cause: error });
  }
  return error;
}

function readBatch(value: unknown): ProviderBatch {
  const body = asObject(value, "batch");
  if (typeof body.id !== "string" || !isStatus(body.status)) {
    throw new LlmError(
      "invalid_response",
      `OpenRouter sent a batch object without a known id/status (status: ${String(body.status)})`,
    );
  }
  const counts = isObject(body.request_counts) ? body.request_counts : {};
  const usage = isObject(body.usage) ? body.usage : undefined;
  const error = isObject(body.error) ? body.error : undefined;
  return {
    id: body.id,
    status: body.status,
    model: typeof body.model === "string" ? body.model : "unknown",
    createdAtMs: secondsToMs(body.created_at) ?? 0,
    finalizedAtMs: secondsToMs(body.finalized_at),
    expiresAtMs: secondsToMs(body.expires_at),
    requestCounts: {
      total: count(counts.total),
      completed: count(counts.completed),
      failed: count(counts.failed),
    },
    usage: usage && {
      promptTokens: count(usage.prompt_tokens),
      completionTokens: count(usage.completion_tokens),
      costUsd:
        typeof usage.cost === "number" && Number.isFinite(usage.cost) ? usage.cost : undefined,
    },
    failureMessage: typeof error?.message === "string" ? error.message : undefined,
  };
}

/** A per-request error's `type`, as the category our retry and stop rules know. */
const ERROR_TYPE_CATEGORY: Readonly<Record<string, LlmErrorCategory>> = {
  invalid_request_error: "bad_request",
  authentication_error: "auth",
  insufficient_credits: "payment_required",
  permission_error: "forbidden",
  moderation_error: "forbidden",
  rate_limit_error: "rate_limited",
  timeout_error: "timeout",
  server_error: "provider_unavailable",
  api_error: "provider_unavailable",
  overloaded_error: "provider_unavailable",
};
const NOT_RUN: Readonly<Record<string, "expired" | "cancelled">> = {
  batch_expired: "expired",
  batch_cancelled: "cancelled",
};

function readOutcome(
  value: unknown,
  redact: (text: string) => string,
): BatchItemOutcome | undefined {
  if (!isObject(value) || typeof value.custom_id !== "string") return undefined;
  const customId = value.custom_id;
  if (isObject(value.error)) {
    const type = typeof value.error.type === "string" ? value.error.type : "";
    const message =
      typeof value.error.message === "string" ? redact(value.error.message.slice(0, 500)) : "";
    const notRun = NOT_RUN[type];
    if (notRun) return { kind: "not_run", customId, reason: notRun, message };
    return {
      kind: "failed",
      customId,
      error: new LlmError(
        ERROR_TYPE_CATEGORY[type] ?? "provider_error",
        `Batch request failed${type ? ` (${type})` : ""}: ${message}`,
      ),
    };
  }
  const response = isObject(value.response) ? value.response : undefined;
  const status = typeof response?.status_code === "number" ? response.status_code : 0;
  if (!response || !isObject(response.body)) {
    return {
      kind: "failed",
      customId,
      error: new LlmError("invalid_response", "Batch result has neither a response nor an error"),
    };
  }
  if (status < 200 || status >= 300) {
    return {
      kind: "failed",
      customId,
      error:
        status === 0
          ? new LlmError("invalid_response", "Batch result without a status code")
          : httpError(status, response.body, undefined, redact),
    };
  }
  try {
    return { kind: "answered", customId, answer: readCompletion(response.body, status, redact) };
  } catch (error) {
    if (error instanceof LlmError) return { kind: "failed", customId, error };
    throw error;
  }
}

function isStatus(value: unknown): value is ProviderBatchStatus {
  return (
    typeof value === "string" && (PROVIDER_BATCH_STATUSES as readonly string[]).includes(value)
  );
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) {
    throw new LlmError("invalid_response", `OpenRouter sent an unreadable ${what}`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function secondsToMs(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value * 1000 : undefined;
}

function signalOf(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
