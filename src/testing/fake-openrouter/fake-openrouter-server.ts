// A real node:http server speaking OpenRouter's API, for tests, benchmarks, the demo and
// `rescue-llm fake-openrouter`: chat completions, the Batch API (fake-batch-api.ts), the model
// catalog with prices (fake-model-catalog.ts) and /key. Normal answers come from a
// deterministic responder — for sync and batch requests alike, so a responder that plants
// faults reaches both; tests script the next answers (errors, odd bodies, stalls) with
// `script(...)`, and the next batch requests' answers with `batches.script(...)`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { preloadTokenizer } from "../../enrichment/count-tokens.js";
import { sleep } from "../../sleep.js";
import { answerLikeAModel, type FakeCompletionRequest } from "../fake-model-answers.js";
import type { AnsweredRequest } from "./fake-batch-lifecycle.js";
import {
  createFakeBatchApi,
  type FakeBatchControls,
  type FakeBatchOptions,
} from "./fake-batch-api.js";
import { completionBody, generationId, promptTokensOf } from "./fake-completion-body.js";
import { createFakeModelCatalog, AUTO_MODEL, type FakeTokenPrices } from "./fake-model-catalog.js";
import {
  errorEnvelope,
  type FakeErrorStatus,
  type FakeStep,
  TRANSIENT_FAILURE_STATUSES,
} from "./fake-scenarios.js";
import { createLatencySampler, createPrng, type LatencySpec } from "./latency.js";

export interface FakeOpenRouterOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Delay before each completion answer. */
  readonly latency?: LatencySpec;
  /** Completion requests allowed per one-second window; more get 429. */
  readonly rateLimit?: { readonly requestsPerSecond: number };
  /** Share (0–1) of completions that fail with a transient 502/503/529. */
  readonly failureRate?: number;
  /** Seed for latency and failure draws (default 42). */
  readonly seed?: number;
  /** When set, completions and /key require `Authorization: Bearer <apiKey>`; else 401. */
  readonly apiKey?: string;
  /** The model reported when asked for `openrouter/auto`. */
  readonly servedModel?: string;
  /** USD per token, for `usage.cost`, of every model without its own `modelPricing`. */
  readonly pricing?: FakeTokenPrices;
  /** Sync prices per model id (also listed in GET /models). */
  readonly modelPricing?: Readonly<Record<string, FakeTokenPrices>>;
  /** The normal answer's content (sync completions and batch requests). */
  readonly responder?: (request: FakeCompletionRequest) => string | Promise<string>;
  /** Batch API: turnaround per phase, expiry, limits, price and per-request failures. */
  readonly batch?: FakeBatchOptions & {
    /** Batch price as a share of the sync price (default 0.5, as OpenRouter documents). */
    readonly priceFactor?: number;
    /** Share (0–1) of batch requests that fail with a per-request error (seeded draws). */
    readonly requestFailureRate?: number;
  };
  /** Epoch ms; batches move through their states by it, so tests can inject one. */
  readonly clock?: () => number;
}

export interface FakeOpenRouterStats {
  /** Every HTTP request, any route. */
  requests: number;
  /** Requests to POST /chat/completions. */
  completions: number;
  /** Responses by HTTP status (stalled bodies count under 200 once headers are sent). */
  byStatus: Record<number, number>;
  inFlight: number;
  maxInFlight: number;
  rateLimited: number;
  /** Connections destroyed on purpose (drop_connection). */
  dropped: number;
  /** Sum of `usage.cost` reported by sync completions. */
  costUsd: number;
  /** HTTP calls to the batch routes, and how many were submissions (POST). */
  batchCalls: number;
  batchSubmissions: number;
  batchesCreated: number;
  batchRequests: number;
  batchRequestsAnswered: number;
  /** Sum of finished batches' `usage.cost` (batch price). */
  batchCostUsd: number;
}

export interface RecordedRequest {
  readonly body: Record<string, unknown>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Date.now() when the request was read, before any rate limit or latency. */
  readonly receivedAt: number;
}

export interface FakeOpenRouter {
  /** What LLM_BASE_URL takes, e.g. http://127.0.0.1:PORT/api/v1. */
  readonly baseUrl: string;
  readonly port: number;
  /** Live counters. */
  readonly stats: FakeOpenRouterStats;
  /** Parsed bodies (and headers) of completion requests, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Queues answers for the next completion calls (FIFO), before the normal responder. */
  script(...steps: FakeStep[]): void;
  /** Batches: snapshots and test controls (plan, expire, cancel, fail), and a batch script. */
  readonly batches: FakeBatchControls & {
    /**
     * Queues answers for the next batch requests, in the order they run (FIFO): `http_error`
     * becomes that request's error; `content`, `error_in_choice`, `error_in_body` and
     * `empty_length` its response body. Transport-level steps have no meaning inside a batch.
     */
    script(...steps: FakeStep[]): void;
  };
  /** Clears scripts, recorded requests, batches and stats; ends stalled responses. */
  reset(): void;
  close(): Promise<void>;
}

const BATCH_STEP_KINDS: ReadonlySet<FakeStep["kind"]> = new Set([
  "http_error",
  "content",
  "error_in_choice",
  "error_in_body",
  "empty_length",
]);

export async function startFakeOpenRouter(
  options: FakeOpenRouterOptions = {},
): Promise<FakeOpenRouter> {
  preloadTokenizer();
  const random = createPrng(options.seed ?? 42);
  const batchRandom = createPrng((options.seed ?? 42) + 1);
  const sampleLatency = createLatencySampler(options.latency, random);
  const catalog = createFakeModelCatalog({
    ...(options.servedModel !== undefined ? { servedModel: options.servedModel } : {}),
    ...(options.pricing !== undefined ? { pricing: options.pricing } : {}),
    ...(options.modelPricing !== undefined ? { modelPricing: options.modelPricing } : {}),
    ...(options.batch?.priceFactor !== undefined
      ? { batchPriceFactor: options.batch.priceFactor }
      : {}),
  });
  const now = options.clock ?? Date.now;
  const responder = options.responder ?? answerLikeAModel;
  const script: FakeStep[] = [];
  const batchScript: FakeStep[] = [];
  const requests: RecordedRequest[] = [];
  const stalled = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const stats: FakeOpenRouterStats = emptyStats();
  let window = { startMs: 0, count: 0 };
  let generation = 0;

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    if (res.destroyed) return;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

  const authorized = (req: IncomingMessage) =>
    options.apiKey === undefined || req.headers.authorization === `Bearer ${options.apiKey}`;

  /** Fixed one-second windows: simple, and enough to exercise 429 handling. */
  const rateLimitHeaders = (): Record<string, string> | undefined => {
    const limit = options.rateLimit?.requestsPerSecond;
    if (limit === undefined) return undefined;
    const now = Date.now();
    if (now - window.startMs >= 1000) window = { startMs: now, count: 0 };
    const resetMs = window.startMs + 1000;
    if (window.count < limit) {
      window.count += 1;
      return undefined;
    }
    return {
      "retry-after": String(Math.max(1, Math.ceil((resetMs - now) / 1000))),
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(resetMs),
    };
  };

  async function completion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.completions += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.on("close", () => {
      stats.inFlight -= 1;
      stalled.delete(res);
    });
    const raw = await readBody(req);
    if (!authorized(req)) {
      send(res, 401, errorEnvelope(401));
      return;
    }
    const body = parseObject(raw);
    if (!body || !Array.isArray(body.messages)) {
      send(res, 400, errorEnvelope(400, "Bad Request: body must be JSON with a messages array"));
      return;
    }
    requests.push({ body, headers: { ...req.headers }, receivedAt: Date.now() });
    const limited = rateLimitHeaders();
    if (limited) {
      stats.rateLimited += 1;
      send(res, 429, errorEnvelope(429), limited);
      return;
    }
    const myGeneration = generation;
    const delayMs = sampleLatency();
    if (delayMs > 0) await sleep(delayMs);
    if (res.destroyed) return;
    const step =
      (myGeneration === generation ? script.shift() : undefined) ??
      (options.failureRate !== undefined && random() < options.failureRate
        ? ({
            kind: "http_error",
            status:
              TRANSIENT_FAILURE_STATUSES[
                Math.floor(random() * TRANSIENT_FAILURE_STATUSES.length)
              ] ?? 502,
          } satisfies FakeStep)
        : undefined);
    await answer(res, body, step);
  }

  async function answer(
    res: ServerResponse,
    body: Record<string, unknown>,
    step: FakeStep | undefined,
  ): Promise<void> {
    const requested = requestedModel(body);
    const promptTokens = promptTokensOf(body);
    switch (step?.kind) {
      case undefined: {
        const content = await responder({
          ...body,
          model: requested,
        } as unknown as FakeCompletionRequest);
        send(res, 200, syncCompletionBody(resolve(requested), content, "stop", promptTokens));
        return;
      }
      case "content":
        send(
          res,
          200,
          syncCompletionBody(
            step.model ?? resolve(requested),
            step.content,
            step.finishReason ?? "stop",
            promptTokens,
          ),
        );
        return;
      case "fallback_served": {
        const fallback =
          Array.isArray(body.models) && typeof body.models[0] === "string"
            ? body.models[0]
            : requested;
        const content =
          step.content ??
          (await responder({ ...body, model: fallback } as unknown as FakeCompletionRequest));
        send(res, 200, syncCompletionBody(resolve(fallback), content, "stop", promptTokens));
        return;
      }
      case "http_error": {
        const status: FakeErrorStatus = step.status;
        const headers: Record<string, string> = {};
        if (step.retryAfter !== undefined) headers["retry-after"] = String(step.retryAfter);
        if (status === 429) stats.rateLimited += 1;
        send(res, status, errorEnvelope(status, step.message, step.metadata), headers);
        return;
      }
      case "error_in_choice": {
        const out = syncCompletionBody(resolve(requested), "", "error", promptTokens);
        const choice = out.choices[0] as Record<string, unknown>;
        choice.error = errorEnvelope(
          step.code ?? 502,
          step.message ?? "Provider disconnected mid-generation",
        ).error;
        send(res, 200, out);
        return;
      }
      case "error_in_body":
        send(res, 200, {
          id: generationId(),
          model: resolve(requested),
          ...errorEnvelope(step.code ?? 502, step.message ?? "Upstream provider error"),
        });
        return;
      case "empty_length":
        send(res, 200, syncCompletionBody(resolve(requested), "", "length", promptTokens));
        return;
      case "stall_after_headers":
        stats.byStatus[200] = (stats.byStatus[200] ?? 0) + 1;
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"id":"gen-stalled","choices":[');
        stalled.add(res);
        return;
      case "unparsable_body":
        stats.byStatus[200] = (stats.byStatus[200] ?? 0) + 1;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(step.body ?? "<html><body>502 Bad Gateway</body></html>");
        return;
      case "drop_connection":
        stats.dropped += 1;
        res.socket?.destroy();
        return;
    }
  }

  const resolve = (model: string) => catalog.resolve(model);

  /** A sync completion body; its cost counts into stats. */
  const syncCompletionBody = (
    model: string,
    content: string,
    finishReason: string,
    promptTokens: number,
  ) => {
    const out = completionBody({
      model,
      content,
      finishReason,
      promptTokens,
      prices: catalog.pricesOf(model, "sync"),
    });
    stats.costUsd += out.costUsd;
    return out.body;
  };

  /** One batch request's result: a scripted step, a drawn failure, or the responder. */
  async function answerBatchRequest(
    body: Record<string, unknown>,
    batchModel: string,
  ): Promise<AnsweredRequest> {
    const model = resolve(batchModel.replace(/:batch$/, ""));
    const prices = catalog.pricesOf(model, "batch");
    const promptTokens = promptTokensOf(body);
    const response = (content: string, finishReason = "stop", override?: string) => {
      const out = completionBody({
        model: override ?? model,
        content,
        finishReason,
        promptTokens,
        prices,
        idPrefix: "gen-batch",
        includeCost: false,
      });
      return { out, requestId: `request_${generationId("").slice(1)}` };
    };
    const ok = (content: string, finishReason?: string, override?: string): AnsweredRequest => {
      const { out, requestId } = response(content, finishReason, override);
      return {
        result: {
          response: { status_code: 200, request_id: requestId, body: out.body },
          error: null,
        },
        succeeded: true,
        promptTokens: out.promptTokens,
        completionTokens: out.completionTokens,
        costUsd: out.costUsd,
      };
    };
    const failed = (status: number, message?: string): AnsweredRequest => ({
      result: {
        response: null,
        error: {
          message: errorEnvelope(status, message).error.message,
          type: errorType(status),
          param: null,
        },
      },
      succeeded: false,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
    });
    const rate = options.batch?.requestFailureRate;
    const step =
      batchScript.shift() ??
      (rate !== undefined && batchRandom() < rate
        ? ({ kind: "http_error", status: 502 } satisfies FakeStep)
        : undefined);
    switch (step?.kind) {
      case undefined:
        return ok(await responder({ ...body, model } as unknown as FakeCompletionRequest));
      case "content":
        return ok(step.content, step.finishReason, step.model);
      case "http_error":
        return failed(step.status, step.message);
      case "empty_length":
        return ok("", "length");
      case "error_in_choice": {
        const answered = ok("", "error");
        const choice = (answered.result.response?.body.choices as Record<string, unknown>[])[0]!;
        choice.error = errorEnvelope(
          step.code ?? 502,
          step.message ?? "Provider disconnected mid-generation",
        ).error;
        // The API returned a response, so it counts as completed; the error is inside it.
        return answered;
      }
      case "error_in_body": {
        const { requestId } = response("");
        return {
          result: {
            response: {
              status_code: 200,
              request_id: requestId,
              body: {
                id: generationId("gen-batch"),
                model,
                ...errorEnvelope(step.code ?? 502, step.message ?? "Upstream provider error"),
              },
            },
            error: null,
          },
          succeeded: true,
          promptTokens: 0,
          completionTokens: 0,
          costUsd: 0,
        };
      }
      default:
        throw new Error(
          `fake OpenRouter: step ${String(step?.kind)} cannot answer a batch request`,
        );
    }
  }

  const batchApi = createFakeBatchApi({
    options: options.batch ?? {},
    now,
    authorized,
    send,
    answer: answerBatchRequest,
    stats,
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests += 1;
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "POST" && path === "/api/v1/chat/completions") return completion(req, res);
    if (await batchApi.handle(req, res, path ?? "/")) return;
    await readBody(req);
    if (req.method === "GET" && path === "/api/v1/models") {
      send(res, 200, catalog.listing());
      return;
    }
    if (req.method === "GET" && path === "/api/v1/key") {
      if (!authorized(req)) {
        send(res, 401, errorEnvelope(401));
        return;
      }
      send(res, 200, {
        data: {
          label: "fake-key",
          usage: stats.costUsd + stats.batchCostUsd,
          limit: null,
          is_free_tier: false,
          rate_limit: { requests: options.rateLimit?.requestsPerSecond ?? -1, interval: "1s" },
        },
      });
      return;
    }
    send(res, 404, errorEnvelope(404, `Not found: ${req.method ?? "GET"} ${path ?? "/"}`));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, errorEnvelope(500));
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((ready, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => ready());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    baseUrl: `http://${host}:${address.port}/api/v1`,
    port: address.port,
    stats,
    requests,
    script(...steps) {
      script.push(...steps);
    },
    batches: {
      ...batchApi.controls,
      script(...steps) {
        const unfit = steps.find((step) => !BATCH_STEP_KINDS.has(step.kind));
        if (unfit)
          throw new Error(`fake OpenRouter: step ${unfit.kind} cannot answer a batch request`);
        batchScript.push(...steps);
      },
    },
    reset() {
      generation += 1;
      script.length = 0;
      batchScript.length = 0;
      batchApi.reset();
      requests.length = 0;
      for (const res of stalled) res.destroy();
      stalled.clear();
      const inFlight = stats.inFlight;
      Object.assign(stats, emptyStats(), { inFlight, maxInFlight: inFlight });
      window = { startMs: 0, count: 0 };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function emptyStats(): FakeOpenRouterStats {
  return {
    requests: 0,
    completions: 0,
    byStatus: {},
    inFlight: 0,
    maxInFlight: 0,
    rateLimited: 0,
    dropped: 0,
    costUsd: 0,
    batchCalls: 0,
    batchSubmissions: 0,
    batchesCreated: 0,
    batchRequests: 0,
    batchRequestsAnswered: 0,
    batchCostUsd: 0,
  };
}

function requestedModel(body: Record<string, unknown>): string {
  if (typeof body.model === "string" && body.model !== "") return body.model;
  if (Array.isArray(body.models) && typeof body.models[0] === "string") return body.models[0];
  return AUTO_MODEL;
}

/** The `type` of a per-request batch error, after the status it stands for. */
function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 402) return "insufficient_credits";
  if (status === 403) return "permission_error";
  if (status === 408 || status === 524) return "timeout_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
    req.on("error", fail);
  });
}

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
