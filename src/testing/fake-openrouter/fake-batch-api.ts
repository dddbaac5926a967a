// The fake's Batch API, as OpenRouter documents it:
//   https://openrouter.ai/docs/batch-quickstart(.md)              (the quickstart)
//   https://openrouter.ai/docs/guides/features/batch-api          (limits, pricing, statuses)
//   https://openrouter.ai/docs/api/api-reference/batch/{create-a-batch, get-a-batch,
//     get-batch-results, list-batches, delete-a-batch}            (API reference)
//
// Paths. The quickstart serves the API under /api/beta/batches; the API reference (servers:
// https://openrouter.ai/api/v1) under /api/v1/batches. Chat stays under /api/v1. The fake
// answers on both prefixes.
//
// POST /batches — body `{endpoint, model, requests: [{custom_id, body}], completion_window?}`.
//   `endpoint` and `model` must come before `requests` in the JSON (the API stream-parses;
//   400 otherwise). One model per batch: a request body may omit `model` or repeat it; any
//   other model rejects the submission. `custom_id` unique within the batch. Only "24h" as
//   completion_window. Limits: 5,000 requests and 200 MB per batch. Answer: 202 Accepted with
//   the batch object in `validating` — stored, not yet valid: a request that fails validation
//   (e.g. non-text content) moves the whole batch to `failed` with `error.message` saying why.
// Batch object: `{id, object: "batch", endpoint, model, provider, completion_window: "24h",
//   status, created_at, finalized_at, expires_at, request_counts: {total, completed, failed},
//   usage, results, error}` (times in Unix seconds; `usage`, `results`, `error` null until
//   they apply).
// Statuses: validating → in_progress → finalizing → completed; otherwise failed, expired,
//   cancelling → cancelled. Terminal: completed, failed, expired, cancelled.
// GET /batches/:id — the batch; a terminal batch carries `results` inline, a failed one
//   `error.message`. `usage` of a finished batch: `{prompt_tokens, completion_tokens,
//   total_tokens, cost, is_byok}`; `cost` is what OpenRouter charges — batch requests are
//   "typically billed at 50% of the model's standard per-token pricing".
// GET /batches/:id/results?limit=1..1000&cursor= — a finished batch's results, page by page:
//   `{object: "list", data: [result], has_more, next_cursor}`; pass `next_cursor` as `cursor`.
//   Result: `{id, custom_id, response: {status_code, request_id, body} | null, error:
//   {message, type, param} | null}`, exactly one of response / error set. A completed batch
//   can hold failed requests: check `request_counts.failed`.
// GET /batches?limit&after — newest first, `{object: "list", data, first_id, last_id,
//   has_more}`; pass `last_id` as `after`; items omit `results`.
// DELETE /batches/:id — only a terminal batch (else 409): purges its requests and results,
//   answers `{id, object: "batch", deletion: {openrouter: "deleted"}}`. Deletion is not
//   cancellation; OpenRouter documents no cancel endpoint (`cancelling`/`cancelled` exist as
//   statuses), so a cancel is a test control here, as if made from the dashboard.
// Errors: OpenRouter's envelope `{"error": {"code", "message"}}`; 401 without the key.
//
// Not documented, so chosen here (and written down so nobody mistakes them for the real API):
// unfinished requests of an expired / cancelled batch appear in its results with error type
// `batch_expired` / `batch_cancelled` and count as failed; 409 for the results of a batch
// still running; default page sizes 100 (results) and 20 (list, at most 100); the cursor is
// base64url of "v1:<batch id>:<offset>" (the shape of the reference's example cursor);
// `usage` stays null while a batch runs; `openrouter/auto` is refused (a batch needs one
// concrete model); per-result bodies carry token counts but no `cost` (the batch total
// carries it); only the /v1/chat/completions shape is served.
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import {
  advanceBatch,
  newFakeBatch,
  phaseAt,
  TERMINAL_STATUSES,
  type AnswerRequest,
  type FakeBatch,
  type FakeBatchRequest,
  type FakeBatchStatus,
  type FakeBatchTiming,
  type WireResult,
} from "./fake-batch-lifecycle.js";
import { AUTO_MODEL, stripBatchSuffix } from "./fake-model-catalog.js";
import { errorEnvelope, type FakeStep } from "./fake-scenarios.js";

export const BATCH_PATH_PREFIXES = ["/api/beta/batches", "/api/v1/batches"] as const;
export const BATCH_LIMITS = { maxRequests: 5_000, maxBodyBytes: 200_000_000 } as const;
const SUPPORTED_ENDPOINTS = [
  "/v1/chat/completions",
  "/v1/responses",
  "/v1/messages",
  "/v1/embeddings",
];
const SERVED_ENDPOINT = "/v1/chat/completions";

export interface FakeBatchOptions extends Partial<FakeBatchTiming> {
  /**
   * From submission to `completed` (default 550 ms): 10% validating, 80% in progress, 10%
   * finalizing. The phase options above override their share. Real batches take minutes.
   */
  readonly turnaroundMs?: number;
  /** Overrides of the documented limits, so tests need not send 200 MB. */
  readonly maxRequests?: number;
  readonly maxBodyBytes?: number;
}

/** What a test can make happen to the next batches created (FIFO, one per batch). */
export type FakeBatchPlan =
  /** The window ends after about this share (0–1, default 0.5) of the requests ran. */
  | { readonly kind: "expire"; readonly afterShare?: number }
  /** Validation fails: the batch goes from `validating` to `failed` with this message. */
  | { readonly kind: "fail"; readonly message?: string }
  /** Cancelled (as from the dashboard) after about this share of the requests ran. */
  | { readonly kind: "cancel"; readonly afterShare?: number }
  /**
   * The batch is created and runs, but the connection drops before the answer is sent (the
   * network failed after the provider accepted): the client cannot know it exists.
   */
  | { readonly kind: "lose_answer" };

export interface FakeBatchSnapshot {
  readonly id: string;
  readonly model: string;
  readonly status: FakeBatchStatus;
  readonly total: number;
  readonly completed: number;
  readonly failed: number;
  readonly customIds: readonly string[];
  /** The request bodies as submitted, in order. */
  readonly bodies: readonly Record<string, unknown>[];
  readonly costUsd: number;
  readonly deleted: boolean;
}

export interface FakeBatchControls {
  /** Every batch created since the last reset, oldest first, brought up to the clock. */
  list(): Promise<FakeBatchSnapshot[]>;
  plan(...plans: FakeBatchPlan[]): void;
  /** Ends the batch's window now: what ran stays, the rest expires. */
  expire(batchId: string): void;
  /** Cancels the batch now (OpenRouter has no cancel endpoint; think dashboard). */
  cancel(batchId: string): void;
  /** Fails a batch still in `validating`, as a validation failure would. */
  fail(batchId: string, message?: string): void;
  /**
   * Queues answers for the next HTTP calls to the batch routes (FIFO), after the request body
   * was read — so the call reached the server: `http_error`, `drop_connection` or
   * `stall_after_headers`. Nothing else happens for such a call (no batch is created).
   */
  scriptCalls(...steps: FakeStep[]): void;
}

export interface FakeBatchStats {
  /** HTTP calls to the batch routes, and how many of them were submissions (POST). */
  batchCalls: number;
  batchSubmissions: number;
  batchesCreated: number;
  /** Requests accepted in created batches. */
  batchRequests: number;
  /** Batch requests the responder (or a scripted step) answered. */
  batchRequestsAnswered: number;
  /** Sum of finished batches' usage.cost as reported (at batch price). */
  batchCostUsd: number;
}

export interface FakeBatchApi {
  /** Handles a batch route; false when `path` is not one. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
  readonly controls: FakeBatchControls;
  reset(): void;
}

export function createFakeBatchApi(deps: {
  readonly options: FakeBatchOptions;
  readonly now: () => number;
  readonly authorized: (req: IncomingMessage) => boolean;
  readonly send: (res: ServerResponse, status: number, body: unknown) => void;
  readonly answer: AnswerRequest;
  readonly stats: FakeBatchStats;
}): FakeBatchApi {
  const turnaroundMs = deps.options.turnaroundMs ?? 550;
  const timing: FakeBatchTiming = {
    validatingMs: deps.options.validatingMs ?? turnaroundMs * 0.1,
    inProgressMs: deps.options.inProgressMs ?? turnaroundMs * 0.8,
    finalizingMs: deps.options.finalizingMs ?? turnaroundMs * 0.1,
    expiresAfterMs: deps.options.expiresAfterMs ?? 24 * 3600_000,
  };
  const maxRequests = deps.options.maxRequests ?? BATCH_LIMITS.maxRequests;
  const maxBodyBytes = deps.options.maxBodyBytes ?? BATCH_LIMITS.maxBodyBytes;
  const batches = new Map<string, FakeBatch>();
  const deleted = new Set<string>();
  const plans: FakeBatchPlan[] = [];
  const counted = new Set<string>();
  const callScript: FakeStep[] = [];
  const stalled = new Set<ServerResponse>();

  /** Plays a scripted step for this call; true when it answered (or withheld) the response. */
  const scripted = (req: IncomingMessage, res: ServerResponse): boolean => {
    const step = callScript.shift();
    if (!step) return false;
    if (step.kind === "http_error") {
      if (step.retryAfter !== undefined) res.setHeader("retry-after", String(step.retryAfter));
      deps.send(res, step.status, errorEnvelope(step.status, step.message, step.metadata));
    } else if (step.kind === "drop_connection") {
      req.socket.destroy();
    } else {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"batch_');
      stalled.add(res);
      res.on("close", () => stalled.delete(res));
    }
    return true;
  };

  const advance = async (batch: FakeBatch) => {
    const phase = await advanceBatch(batch, timing, deps.now(), async (body, model, customId) => {
      const answered = await deps.answer(body, model, customId);
      deps.stats.batchRequestsAnswered += 1;
      return answered;
    });
    if (TERMINAL_STATUSES.has(phase.status) && !counted.has(batch.id)) {
      counted.add(batch.id);
      deps.stats.batchCostUsd += batch.usage.costUsd;
    }
    return phase;
  };

  const fail = (res: ServerResponse, status: number, message: string) =>
    deps.send(res, status, errorEnvelope(status, message));

  async function create(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBodyUpTo(req, maxBodyBytes);
    deps.stats.batchSubmissions += 1;
    if (scripted(req, res)) return;
    if (!deps.authorized(req)) return fail(res, 401, errorEnvelope(401).error.message);
    if (raw === undefined) {
      return fail(
        res,
        413,
        `Request payload too large: a batch is at most ${maxBodyBytes} bytes (200 MB)`,
      );
    }
    const parsed = parseSubmission(raw, maxRequests);
    if (typeof parsed === "string") return fail(res, 400, parsed);
    const plan = plans.shift();
    const id = `batch_${randomBytes(12).toString("hex")}`;
    const batch = newFakeBatch({
      id,
      endpoint: parsed.endpoint,
      model: parsed.model,
      createdAtMs: deps.now(),
      requests: parsed.requests,
      validationError:
        plan?.kind === "fail"
          ? (plan.message ?? "Batch validation failed")
          : validationError(parsed.requests),
      timing,
    });
    const inProgressAt = batch.createdAtMs + timing.validatingMs;
    const afterShare = (share: number | undefined) =>
      inProgressAt + timing.inProgressMs * Math.min(1, Math.max(0, share ?? 0.5));
    if (plan?.kind === "expire") batch.expiresAtMs = afterShare(plan.afterShare);
    if (plan?.kind === "cancel") batch.cancelRequestedAtMs = afterShare(plan.afterShare);
    batches.set(id, batch);
    deps.stats.batchesCreated += 1;
    deps.stats.batchRequests += batch.requests.length;
    if (plan?.kind === "lose_answer") {
      req.socket.destroy();
      return;
    }
    deps.send(res, 202, wireBatch(batch, phaseAt(batch, timing, deps.now()), true));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string) {
    const prefix = BATCH_PATH_PREFIXES.find((p) => path === p || path.startsWith(`${p}/`));
    if (prefix === undefined) return false;
    const rest = path.slice(prefix.length).split("/").filter(Boolean);
    const method = req.method ?? "GET";
    deps.stats.batchCalls += 1;
    if (rest.length === 0 && method === "POST") {
      await create(req, res);
      return true;
    }
    await drain(req);
    if (scripted(req, res)) return true;
    if (!deps.authorized(req)) {
      fail(res, 401, errorEnvelope(401).error.message);
      return true;
    }
    const query = new URL(req.url ?? "/", "http://fake").searchParams;
    if (rest.length === 0 && method === "GET") {
      await list(res, query);
      return true;
    }
    const batch = rest[0] !== undefined && !deleted.has(rest[0]) ? batches.get(rest[0]) : undefined;
    if (!batch) {
      fail(res, 404, `Batch not found: ${rest[0] ?? ""}`);
      return true;
    }
    if (rest.length === 1 && method === "GET") {
      deps.send(res, 200, wireBatch(batch, await advance(batch), true));
    } else if (rest.length === 1 && method === "DELETE") {
      const phase = await advance(batch);
      if (!TERMINAL_STATUSES.has(phase.status)) {
        fail(
          res,
          409,
          `Batch ${batch.id} is ${phase.status}; only a finished batch can be deleted`,
        );
      } else {
        deleted.add(batch.id);
        deps.send(res, 200, { id: batch.id, object: "batch", deletion: { openrouter: "deleted" } });
      }
    } else if (rest.length === 2 && rest[1] === "results" && method === "GET") {
      await results(res, batch, query);
    } else {
      fail(res, 404, `Not found: ${method} ${path}`);
    }
    return true;
  }

  async function results(res: ServerResponse, batch: FakeBatch, query: URLSearchParams) {
    const phase = await advance(batch);
    if (!TERMINAL_STATUSES.has(phase.status)) {
      return fail(res, 409, `Batch ${batch.id} is ${phase.status}; results come once it finishes`);
    }
    const limit = intParam(query.get("limit"), 100, 1, 1000);
    if (limit === undefined) return fail(res, 400, "limit must be an integer from 1 to 1000");
    const cursor = query.get("cursor");
    const offset = cursor === null ? 0 : decodeCursor(cursor, batch.id);
    if (offset === undefined) return fail(res, 400, "cursor is not one this batch issued");
    const page = batch.results.slice(offset, offset + limit);
    const next = offset + page.length;
    deps.send(res, 200, {
      object: "list",
      data: page,
      has_more: next < batch.results.length,
      next_cursor: next < batch.results.length ? encodeCursor(batch.id, next) : null,
    });
  }

  async function list(res: ServerResponse, query: URLSearchParams) {
    const limit = intParam(query.get("limit"), 20, 1, 100);
    if (limit === undefined) return fail(res, 400, "limit must be an integer from 1 to 100");
    const newestFirst = [...batches.values()].filter((b) => !deleted.has(b.id)).reverse();
    const after = query.get("after");
    const start = after === null ? 0 : newestFirst.findIndex((b) => b.id === after) + 1;
    if (after !== null && start === 0) return fail(res, 400, `after: unknown batch ${after}`);
    const page = newestFirst.slice(start, start + limit);
    const data = [];
    for (const batch of page) data.push(wireBatch(batch, await advance(batch), false));
    deps.send(res, 200, {
      object: "list",
      data,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
      has_more: start + page.length < newestFirst.length,
    });
  }

  const must = (batchId: string) => {
    const batch = batches.get(batchId);
    if (!batch) throw new Error(`fake OpenRouter: no batch ${batchId}`);
    return batch;
  };

  const controls: FakeBatchControls = {
    async list() {
      const out: FakeBatchSnapshot[] = [];
      for (const batch of batches.values()) {
        const phase = await advance(batch);
        out.push({
          id: batch.id,
          model: batch.model,
          status: phase.status,
          total: batch.requests.length,
          completed: batch.counts.completed,
          failed: batch.counts.failed,
          customIds: batch.requests.map((r) => r.customId),
          bodies: batch.requests.map((r) => r.body),
          costUsd: batch.usage.costUsd,
          deleted: deleted.has(batch.id),
        });
      }
      return out;
    },
    plan(...more) {
      plans.push(...more);
    },
    expire(batchId) {
      const batch = must(batchId);
      batch.expiresAtMs = Math.min(batch.expiresAtMs, deps.now());
    },
    cancel(batchId) {
      const batch = must(batchId);
      batch.cancelRequestedAtMs ??= deps.now();
    },
    scriptCalls(...steps) {
      const unfit = steps.find(
        (step) => !["http_error", "drop_connection", "stall_after_headers"].includes(step.kind),
      );
      if (unfit) throw new Error(`fake OpenRouter: step ${unfit.kind} cannot answer a batch call`);
      callScript.push(...steps);
    },
    fail(batchId, message = "Batch validation failed") {
      const batch = must(batchId);
      if (phaseAt(batch, timing, deps.now()).status !== "validating") {
        throw new Error(`fake OpenRouter: batch ${batchId} is past validating`);
      }
      batch.validationError = message;
    },
  };

  return {
    handle,
    controls,
    reset() {
      batches.clear();
      deleted.clear();
      plans.length = 0;
      counted.clear();
      callScript.length = 0;
      for (const res of stalled) res.destroy();
      stalled.clear();
    },
  };
}

function wireBatch(
  batch: FakeBatch,
  phase: { status: FakeBatchStatus; sinceMs: number },
  withResults: boolean,
): Record<string, unknown> {
  const terminal = TERMINAL_STATUSES.has(phase.status);
  const ran = terminal && phase.status !== "failed";
  const seconds = (ms: number) => Math.floor(ms / 1000);
  return {
    id: batch.id,
    object: "batch",
    endpoint: batch.endpoint,
    model: batch.model,
    provider: "Fake",
    completion_window: "24h",
    status: phase.status,
    created_at: seconds(batch.createdAtMs),
    finalized_at: terminal ? seconds(phase.sinceMs) : null,
    expires_at: seconds(batch.expiresAtMs),
    request_counts: {
      total: batch.requests.length,
      completed: batch.counts.completed,
      failed: batch.counts.failed,
    },
    usage: ran
      ? {
          prompt_tokens: batch.usage.promptTokens,
          completion_tokens: batch.usage.completionTokens,
          total_tokens: batch.usage.promptTokens + batch.usage.completionTokens,
          cost: batch.usage.costUsd,
          is_byok: false,
        }
      : null,
    ...(withResults ? { results: ran ? (batch.results satisfies WireResult[]) : null } : {}),
    error: phase.status === "failed" ? { message: batch.validationError ?? "Batch failed" } : null,
  };
}

interface Submission {
  readonly endpoint: string;
  readonly model: string;
  readonly requests: FakeBatchRequest[];
}

/** The checks OpenRouter makes before its 202; a string says what is wrong (400). */
function parseSubmission(raw: string, maxRequests: number): Submission | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return "Bad Request: body must be a JSON object";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "Bad Request: body must be a JSON object";
  }
  const body = value as Record<string, unknown>;
  // JSON.parse keeps the source order of (non-numeric) keys.
  const keys = Object.keys(body);
  const requestsAt = keys.indexOf("requests");
  if (requestsAt >= 0 && keys.slice(requestsAt).some((k) => k === "endpoint" || k === "model")) {
    return "Bad Request: serialize endpoint and model before requests";
  }
  const { endpoint, model, requests } = body;
  if (typeof endpoint !== "string" || !SUPPORTED_ENDPOINTS.includes(endpoint)) {
    return `Bad Request: endpoint must be one of ${SUPPORTED_ENDPOINTS.join(", ")}`;
  }
  if (endpoint !== SERVED_ENDPOINT) {
    return `Bad Request: this fake serves only ${SERVED_ENDPOINT} batches`;
  }
  if (typeof model !== "string" || model.trim() === "") {
    return "Bad Request: model is required";
  }
  if (stripBatchSuffix(model) === AUTO_MODEL) {
    return `Bad Request: ${AUTO_MODEL} cannot run a batch; name one model`;
  }
  if (body.completion_window !== undefined && body.completion_window !== "24h") {
    return 'Bad Request: the only supported completion_window is "24h"';
  }
  if (!Array.isArray(requests) || requests.length === 0) {
    return "Bad Request: requests must be a non-empty array of {custom_id, body}";
  }
  if (requests.length > maxRequests) {
    return `Bad Request: a batch holds at most ${maxRequests} requests (got ${requests.length})`;
  }
  const seen = new Set<string>();
  const out: FakeBatchRequest[] = [];
  for (const [index, item] of requests.entries()) {
    const entry = (typeof item === "object" && item !== null ? item : {}) as Record<
      string,
      unknown
    >;
    const customId = entry.custom_id;
    if (typeof customId !== "string" || customId === "") {
      return `Bad Request: requests[${index}].custom_id must be a non-empty string`;
    }
    if (seen.has(customId)) return `Bad Request: duplicate custom_id ${customId}`;
    seen.add(customId);
    const requestBody = entry.body;
    if (typeof requestBody !== "object" || requestBody === null || Array.isArray(requestBody)) {
      return `Bad Request: requests[${index}].body must be an object`;
    }
    const bodyModel = (requestBody as Record<string, unknown>).model;
    if (bodyModel !== undefined && typeof bodyModel !== "string") {
      return `Bad Request: requests[${index}] (${customId}).body.model must be a string`;
    }
    if (bodyModel !== undefined && stripBatchSuffix(bodyModel) !== stripBatchSuffix(model)) {
      return `Bad Request: requests[${index}] (${customId}) names model ${bodyModel}; a batch runs one model (${model})`;
    }
    out.push({ customId, body: requestBody as Record<string, unknown> });
  }
  return { endpoint, model, requests: out };
}

/** What validation after the 202 finds wrong, naming the first request concerned. */
function validationError(requests: readonly FakeBatchRequest[]): string | undefined {
  for (const { customId, body } of requests) {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      return `Request ${customId}: messages must be a non-empty array`;
    }
    for (const message of messages as unknown[]) {
      const m = (typeof message === "object" && message !== null ? message : {}) as Record<
        string,
        unknown
      >;
      if (typeof m.role !== "string") return `Request ${customId}: every message needs a role`;
      const textOnly =
        typeof m.content === "string" ||
        (Array.isArray(m.content) &&
          m.content.every(
            (part) =>
              typeof part === "object" &&
              part !== null &&
              (part as { type?: unknown }).type === "text",
          ));
      if (!textOnly) {
        return `Request ${customId}: the Batch API is text-only (non-text content parts are rejected)`;
      }
    }
  }
  return undefined;
}

function encodeCursor(batchId: string, offset: number): string {
  return Buffer.from(`v1:${batchId}:${offset}`).toString("base64url");
}

function decodeCursor(cursor: string, batchId: string): number | undefined {
  const match = /^v1:([^:]+):(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match || match[1] !== batchId) return undefined;
  return Number(match[2]);
}

function intParam(value: string | null, fallback: number, min: number, max: number) {
  if (value === null) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/** The body as text, or undefined once it passes `maxBytes` (the rest is read and dropped). */
function readBodyUpTo(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((done, failed) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on("end", () =>
      done(size <= maxBytes ? Buffer.concat(chunks).toString("utf8") : undefined),
    );
    req.on("error", failed);
  });
}

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((done, failed) => {
    req.resume();
    req.on("end", () => done());
    req.on("error", failed);
  });
}
