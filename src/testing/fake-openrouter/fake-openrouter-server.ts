// A real node:http server speaking OpenRouter's API, for tests, benchmarks, the demo and
// `rescue-llm fake-openrouter`. Normal answers come from a deterministic responder; tests
// script the next answers (errors, odd bodies, stalls) with `script(...)`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { answerLikeAModel, type FakeCompletionRequest } from "../fake-model-answers.js";
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
  /** USD per token, for `usage.cost`. */
  readonly pricing?: { readonly promptUsdPerToken: number; readonly completionUsdPerToken: number };
  /** The normal answer's content. */
  readonly responder?: (request: FakeCompletionRequest) => string | Promise<string>;
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
  /** Sum of `usage.cost` reported. */
  costUsd: number;
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
  /** Clears script, recorded requests and stats; ends stalled responses. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_SERVED_MODEL = "openai/gpt-4o-mini";
const DEFAULT_PRICING = { promptUsdPerToken: 0.15e-6, completionUsdPerToken: 0.6e-6 };
const AUTO_MODEL = "openrouter/auto";

export async function startFakeOpenRouter(
  options: FakeOpenRouterOptions = {},
): Promise<FakeOpenRouter> {
  const random = createPrng(options.seed ?? 42);
  const sampleLatency = createLatencySampler(options.latency, random);
  const servedModel = options.servedModel ?? DEFAULT_SERVED_MODEL;
  const pricing = options.pricing ?? DEFAULT_PRICING;
  const responder = options.responder ?? answerLikeAModel;
  const script: FakeStep[] = [];
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
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
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
    const promptTokens = estimateTokens(JSON.stringify(body.messages));
    switch (step?.kind) {
      case undefined: {
        const content = await responder({
          ...body,
          model: requested,
        } as unknown as FakeCompletionRequest);
        send(res, 200, completionBody(resolve(requested), content, "stop", promptTokens));
        return;
      }
      case "content":
        send(
          res,
          200,
          completionBody(
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
        send(res, 200, completionBody(resolve(fallback), content, "stop", promptTokens));
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
        const out = completionBody(resolve(requested), "", "error", promptTokens);
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
        send(res, 200, completionBody(resolve(requested), "", "length", promptTokens));
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

  const resolve = (model: string) => (model === AUTO_MODEL ? servedModel : model);

  const completionBody = (
    model: string,
    content: string,
    finishReason: string,
    promptTokens: number,
  ) => {
    const completionTokens = estimateTokens(content);
    const cost =
      promptTokens * pricing.promptUsdPerToken + completionTokens * pricing.completionUsdPerToken;
    stats.costUsd += cost;
    return {
      id: generationId(),
      provider: "Fake",
      model,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      choices: [
        {
          index: 0,
          logprobs: null,
          finish_reason: finishReason,
          native_finish_reason: finishReason,
          message: { role: "assistant", content, refusal: null },
        },
      ] as Record<string, unknown>[],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        cost,
        is_byok: false,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests += 1;
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "POST" && path === "/api/v1/chat/completions") return completion(req, res);
    await readBody(req);
    if (req.method === "GET" && path === "/api/v1/models") {
      send(res, 200, {
        data: [servedModel, "anthropic/claude-3.5-haiku", "mistralai/mistral-small"].map(
          modelEntry,
        ),
      });
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
          usage: stats.costUsd,
          limit: null,
          is_free_tier: false,
          rate_limit: { requests: options.rateLimit?.requestsPerSecond ?? -1, interval: "1s" },
        },
      });
      return;
    }
    send(res, 404, errorEnvelope(404, `Not found: ${req.method ?? "GET"} ${path ?? "/"}`));
  }

  const modelEntry = (id: string) => ({
    id,
    name: id,
    context_length: 128_000,
    pricing: {
      prompt: String(pricing.promptUsdPerToken),
      completion: String(pricing.completionUsdPerToken),
    },
  });

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
    reset() {
      generation += 1;
      script.length = 0;
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
  };
}

function requestedModel(body: Record<string, unknown>): string {
  if (typeof body.model === "string" && body.model !== "") return body.model;
  if (Array.isArray(body.models) && typeof body.models[0] === "string") return body.models[0];
  return AUTO_MODEL;
}

/** Roughly four characters per token, as providers' tokenizers average on English. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function generationId(): string {
  return `gen-${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
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
