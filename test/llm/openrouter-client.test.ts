import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LlmRequest } from "../../src/enrichment/llm-client.js";
import { LlmError, type LlmErrorCategory } from "../../src/errors.js";
import {
  createOpenRouterClient,
  type AttemptInfo,
  type OpenRouterClientOptions,
} from "../../src/llm/openrouter-client.js";
import {
  parseRetryAfterMs,
  RESET_MARGIN_MS,
  retryWaitMs,
} from "../../src/llm/openrouter-json-request.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { fakeStep, type FakeStep } from "../../src/testing/fake-openrouter/fake-scenarios.js";

const API_KEY = "sk-or-v1-test-secret-0123456789";
const SERVED = "anthropic/claude-3.5-haiku";
const ANSWER = "Bella is a calm four-year-old Labrador who loves long walks.";

let fake: FakeOpenRouter;

beforeAll(async () => {
  fake = await startFakeOpenRouter({
    apiKey: API_KEY,
    servedModel: SERVED,
    responder: () => ANSWER,
  });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const request: LlmRequest = {
  messages: [
    { role: "system", content: "You clean rescue-dog descriptions." },
    { role: "user", content: "<source>bella is a calm 4 year old labrador</source>" },
  ],
  temperature: 0.3,
};

function makeClient(overrides: Partial<OpenRouterClientOptions> = {}) {
  const delays: number[] = [];
  const attempts: AttemptInfo[] = [];
  const rateLimited: number[] = [];
  let gateCalls = 0;
  const client = createOpenRouterClient({
    baseUrl: fake.baseUrl,
    apiKey: API_KEY,
    defaultModel: "openrouter/auto",
    fallbackModels: [],
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    retryDeps: {
      sleep: async (ms) => {
        delays.push(ms);
      },
    },
    hooks: {
      beforeAttempt: async () => {
        gateCalls += 1;
      },
      onRateLimited: (ms) => rateLimited.push(ms),
      onAttempt: (info) => attempts.push(info),
    },
    ...overrides,
  });
  return { client, delays, attempts, rateLimited, gateCalls: () => gateCalls };
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

describe("OpenRouter client: success", () => {
  it("sends the OpenRouter request shape and reads model, tokens, cost and finish reason", async () => {
    const { client } = makeClient({
      fallbackModels: ["openai/gpt-4o-mini", "mistralai/mistral-small"],
    });
    const response = await client.complete({
      ...request,
      maxTokens: 400,
      responseFormat: { type: "json_schema", name: "dog_profile", schema: { type: "object" } },
    });
    expect(response).toMatchObject({
      content: ANSWER,
      model: SERVED,
      finishReason: "stop",
      attempts: 1,
    });
    expect(response.promptTokens).toBeGreaterThan(0);
    expect(response.completionTokens).toBeGreaterThan(0);
    expect(response.costUsd).toBeGreaterThan(0);
    expect(response.costUsd).toBeCloseTo(fake.stats.costUsd, 12);
    expect(response.latencyMs).toBeGreaterThanOrEqual(0);

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.body).toEqual({
      model: "openrouter/auto",
      models: ["openai/gpt-4o-mini", "mistralai/mistral-small"],
      messages: request.messages,
      temperature: 0.3,
      max_tokens: 400,
      response_format: {
        type: "json_schema",
        json_schema: { name: "dog_profile", strict: true, schema: { type: "object" } },
      },
      usage: { include: true },
    });
    expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.headers["x-title"]).toBe("rescue-llm");
    expect(sent.headers["http-referer"]).toMatch(/^https?:\/\//);
  });

  it("omits models[] when there are no fallbacks and uses the request's model", async () => {
    const { client } = makeClient();
    const response = await client.complete({ ...request, model: "mistralai/mistral-small" });
    expect(response.model).toBe("mistralai/mistral-small");
    expect(fake.requests[0]!.body).not.toHaveProperty("models");
  });

  it("reports the fallback model that actually served", async () => {
    const { client } = makeClient({ fallbackModels: ["openai/gpt-4o-mini"] });
    fake.script(fakeStep.fallbackServed("From the fallback."));
    const response = await client.complete(request);
    expect(response.model).toBe("openai/gpt-4o-mini");
    expect(response.content).toBe("From the fallback.");
  });

  it("passes content through verbatim (fences, trailing commas) for the caller to repair", async () => {
    const fenced = '```json\n{"tagline": "Sweet girl",}\n```';
    const { client } = makeClient();
    fake.script(fakeStep.content(fenced));
    const response = await client.complete(request);
    expect(response.content).toBe(fenced);
    expect(response.finishReason).toBe("stop");
  });

  it("returns truncated content with finish_reason length, so the caller can see it was cut", async () => {
    const { client } = makeClient();
    fake.script(fakeStep.content('{"tagline": "Sweet gi', { finishReason: "length" }));
    const response = await client.complete(request);
    expect(response).toMatchObject({
      content: '{"tagline": "Sweet gi',
      finishReason: "length",
      attempts: 1,
    });
  });
});

interface FailureCase {
  name: string;
  step: FakeStep;
  category: LlmErrorCategory;
  retryable: boolean;
  status?: number;
}

const FAILURES: FailureCase[] = [
  {
    name: "400",
    step: fakeStep.httpError(400),
    category: "bad_request",
    retryable: false,
    status: 400,
  },
  { name: "401", step: fakeStep.httpError(401), category: "auth", retryable: false, status: 401 },
  {
    name: "402",
    step: fakeStep.httpError(402),
    category: "payment_required",
    retryable: false,
    status: 402,
  },
  {
    name: "403",
    step: fakeStep.httpError(403),
    category: "forbidden",
    retryable: false,
    status: 403,
  },
  { name: "408", step: fakeStep.httpError(408), category: "timeout", retryable: true, status: 408 },
  {
    name: "429",
    step: fakeStep.httpError(429),
    category: "rate_limited",
    retryable: true,
    status: 429,
  },
  {
    name: "502",
    step: fakeStep.httpError(502),
    category: "provider_unavailable",
    retryable: true,
    status: 502,
  },
  {
    name: "503",
    step: fakeStep.httpError(503),
    category: "provider_unavailable",
    retryable: true,
    status: 503,
  },
  { name: "524", step: fakeStep.httpError(524), category: "timeout", retryable: true, status: 524 },
  {
    name: "529",
    step: fakeStep.httpError(529),
    category: "provider_unavailable",
    retryable: true,
    status: 529,
  },
  {
    name: "error in choice (200)",
    step: fakeStep.errorInChoice(),
    category: "provider_error",
    retryable: true,
  },
  {
    name: "top-level error (200)",
    step: fakeStep.errorInBody(),
    category: "provider_error",
    retryable: true,
  },
  {
    name: "empty content, length",
    step: fakeStep.emptyLength(),
    category: "empty_output",
    retryable: true,
  },
  {
    name: "unparsable body",
    step: fakeStep.unparsableBody(),
    category: "invalid_response",
    retryable: true,
  },
  {
    name: "dropped connection",
    step: fakeStep.dropConnection(),
    category: "network",
    retryable: true,
  },
];

describe("OpenRouter client: every failure is classified and retried only when retryable", () => {
  it.each(FAILURES)("$name → $category", async ({ step, category, retryable, status }) => {
    const { client, delays, gateCalls, attempts } = makeClient();
    fake.script(step, step, step);
    const error = await failure(client.complete(request));
    expect(error.category).toBe(category);
    expect(error.retryable).toBe(retryable);
    if (status !== undefined) expect(error.status).toBe(status);
    const expectedAttempts = retryable ? 3 : 1;
    expect(fake.stats.completions).toBe(expectedAttempts);
    expect(gateCalls()).toBe(expectedAttempts);
    expect(attempts.map((a) => a.category)).toEqual(Array(expectedAttempts).fill(category));
    expect(delays).toHaveLength(expectedAttempts - 1);
  });

  it.each(FAILURES.filter((f) => f.retryable))(
    "$name once, then success → 2 attempts",
    async ({ step }) => {
      const { client } = makeClient();
      fake.script(step);
      const response = await client.complete(request);
      expect(response).toMatchObject({ content: ANSWER, attempts: 2 });
      expect(fake.stats.completions).toBe(2);
    },
  );

  it("marks 401 and 402 fatal for the run and never retries them", async () => {
    for (const status of [401, 402] as const) {
      fake.reset();
      const { client } = makeClient({ retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 } });
      fake.script(fakeStep.httpError(status), fakeStep.httpError(status));
      const error = await failure(client.complete(request));
      expect(error.fatalForRun).toBe(true);
      expect(fake.stats.completions).toBe(1);
    }
  });

  it("sends a wrong key to a 401 without echoing it", async () => {
    const wrongKey = "sk-or-v1-wrong-key-999999";
    const { client } = makeClient({ apiKey: wrongKey });
    const error = await failure(client.complete(request));
    expect(error.category).toBe("auth");
    expect(error.message).not.toContain(wrongKey);
    expect(fake.stats.byStatus[401]).toBe(1);
  });

  it("never puts the API key in an error message, even when the provider echoes it", async () => {
    const { client } = makeClient();
    fake.script(
      fakeStep.httpError(400, { message: `Key ${API_KEY} is not allowed for this model` }),
    );
    const error = await failure(client.complete(request));
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).toContain("[redacted]");
  });
});

describe("OpenRouter client: rate limits and deadlines", () => {
  it("honours Retry-After in seconds and tells the shared gate", async () => {
    const { client, delays, rateLimited } = makeClient({
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    fake.script(fakeStep.httpError(429, { retryAfter: 2 }));
    const response = await client.complete(request);
    expect(response.attempts).toBe(2);
    expect(delays).toEqual([2_000]);
    expect(rateLimited).toEqual([2_000]);
    expect(fake.stats.rateLimited).toBe(1);
  });

  it("honours Retry-After as an HTTP date, read against the client's clock", async () => {
    const now = Date.parse("2030-06-01T12:00:00Z");
    const { client, delays } = makeClient({ now: () => now });
    fake.script(fakeStep.httpError(429, { retryAfter: new Date(now + 5_000).toUTCString() }));
    await client.complete(request);
    expect(delays).toEqual([5_000]);
  });

  it("answers the fake server's own rate limit with X-RateLimit headers and Retry-After", async () => {
    const limited = await startFakeOpenRouter({
      rateLimit: { requestsPerSecond: 1 },
      responder: () => ANSWER,
    });
    try {
      const { client, delays } = makeClient({
        baseUrl: limited.baseUrl,
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
      });
      await client.complete(request);
      const before = Date.now();
      const error = await failure(client.complete(request));
      const after = Date.now();
      expect(error.category).toBe("rate_limited");
      expect(delays).toEqual([]);
      const raw = await fetch(`${limited.baseUrl}/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "x", messages: [] }),
      });
      expect(raw.status).toBe(429);
      expect(raw.headers.get("retry-after")).toBe("1");
      expect(raw.headers.get("x-ratelimit-limit")).toBe("1");
      expect(raw.headers.get("x-ratelimit-remaining")).toBe("0");
      // The window the refused request fell into ends after that request arrived.
      const refusedAt = limited.requests.at(-1)?.receivedAt ?? Number.POSITIVE_INFINITY;
      const resetAt = Number(raw.headers.get("x-ratelimit-reset"));
      expect(resetAt).toBeGreaterThan(refusedAt);
      // The client waits for that reset instant (same window), not Retry-After's whole second.
      expect(error.retryAfterMs).toBeGreaterThanOrEqual(
        Math.min(1_000, resetAt - after + RESET_MARGIN_MS),
      );
      expect(error.retryAfterMs).toBeLessThanOrEqual(
        Math.min(1_000, resetAt - before + RESET_MARGIN_MS),
      );
      expect(await raw.json()).toMatchObject({ error: { code: 429 } });
    } finally {
      await limited.close();
    }
  });

  it("ends a call whose body stalls after the headers at the deadline", async () => {
    const { client } = makeClient({
      timeoutMs: 200,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    });
    fake.script(fakeStep.stallAfterHeaders(), fakeStep.stallAfterHeaders());
    // "timeout" is only ever our own deadline firing: the stalled bodies never end by themselves.
    const error = await failure(client.complete(request));
    expect(error.category).toBe("timeout");
    expect(fake.stats.completions).toBe(2);
  });

  it("stops at once when the caller aborts, without retrying", async () => {
    const { client } = makeClient();
    fake.script(fakeStep.stallAfterHeaders());
    const controller = new AbortController();
    const call = client.complete({ ...request, signal: controller.signal });
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort(new Error("stop requested"));
    await expect(call).rejects.toThrow("stop requested");
    expect(fake.stats.completions).toBe(1);
  });

  it("classifies a refused connection as a network error", async () => {
    const gone = await startFakeOpenRouter();
    const baseUrl = gone.baseUrl;
    await gone.close();
    const { client } = makeClient({
      baseUrl,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const error = await failure(client.complete(request));
    expect(error.category).toBe("network");
    expect(error.message).not.toContain(API_KEY);
  });
});

describe("OpenRouter client: health check", () => {
  /** A provider whose /models answers with `status` under /<status>/, or never under /stall/. */
  let provider: Server;
  let providerUrl: string;
  const seenAuthorization: (string | undefined)[] = [];
  beforeAll(async () => {
    provider = createServer((req, res) => {
      seenAuthorization.push(req.headers.authorization);
      const [, prefix] = (req.url ?? "").split("/");
      if (prefix === "stall") return; // headers never come
      res.writeHead(Number(prefix), { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
    providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    provider.closeAllConnections();
    await new Promise((resolve) => provider.close(resolve));
  });

  it("reports a reachable provider from the same client that makes the calls", async () => {
    const { client } = makeClient();
    expect(await client.checkHealth(2_000)).toMatchObject({
      reachable: true,
      statusCode: 200,
      error: null,
    });
  });

  it.each([
    [401, true, "provider rejected the API key"],
    [403, true, "provider rejected the API key"],
    [503, false, "provider answered HTTP 503"],
  ])("says in its own words what HTTP %i means", async (status, reachable, error) => {
    const { client } = makeClient({ baseUrl: `${providerUrl}/${status}` });
    expect(await client.checkHealth(2_000)).toMatchObject({
      reachable,
      statusCode: status,
      error,
    });
    expect(seenAuthorization.at(-1)).toBe(`Bearer ${API_KEY}`);
  });

  it("gives up at its deadline, and on a refused connection", async () => {
    const { client } = makeClient({ baseUrl: `${providerUrl}/stall` });
    expect(await client.checkHealth(100)).toMatchObject({
      reachable: false,
      statusCode: null,
      error: "no answer within 100 ms",
    });
    const gone = await startFakeOpenRouter();
    await gone.close();
    const { client: refused } = makeClient({ baseUrl: gone.baseUrl });
    expect(await refused.checkHealth(2_000)).toMatchObject({
      reachable: false,
      error: "connection failed",
    });
  });
});

describe("parseRetryAfterMs", () => {
  it("reads seconds, HTTP dates, and ignores garbage", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfterMs("3", now)).toBe(3_000);
    expect(parseRetryAfterMs("0.5", now)).toBe(500);
    expect(parseRetryAfterMs("Wed, 01 Jan 2025 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfterMs("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });
});

describe("retryWaitMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it("waits for an X-RateLimit-Reset instant in epoch ms, never past Retry-After", () => {
    expect(retryWaitMs("1", String(now + 40), now)).toBe(40 + RESET_MARGIN_MS);
    expect(retryWaitMs("1", String(now + 5_000), now)).toBe(1_000);
    // A reset already passed (clocks apart): only the margin.
    expect(retryWaitMs("1", String(now - 300), now)).toBe(RESET_MARGIN_MS);
    expect(retryWaitMs(null, String(now + 700), now)).toBe(700 + RESET_MARGIN_MS);
  });

  it("keeps Retry-After when the reset is missing, garbage, or in coarse epoch seconds", () => {
    expect(retryWaitMs("3", null, now)).toBe(3_000);
    expect(retryWaitMs("3", "soon", now)).toBe(3_000);
    expect(retryWaitMs("3", "", now)).toBe(3_000);
    expect(retryWaitMs("3", String(Math.floor(now / 1000) + 1), now)).toBe(3_000);
    expect(retryWaitMs(null, null, now)).toBeUndefined();
  });
});
