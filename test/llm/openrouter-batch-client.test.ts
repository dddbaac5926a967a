// The Batch API client against the fake OpenRouter over real HTTP (clock injected into the
// fake, so batches finish when the test says).
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BatchItemOutcome, BatchRequestItem } from "../../src/enrichment/batch-api.js";
import { BatchSubmissionUncertainError, LlmError, ValidationError } from "../../src/errors.js";
import {
  batchesUrlFor,
  createOpenRouterBatchClient,
  type OpenRouterBatchClientOptions,
} from "../../src/llm/openrouter-batch-client.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { fakeStep } from "../../src/testing/fake-openrouter/fake-scenarios.js";

const API_KEY = "sk-or-v1-batch-secret-0123456789";
const MODEL = "anthropic/claude-3.5-haiku";
const PRICES = { promptUsdPerToken: 1e-6, completionUsdPerToken: 4e-6 };

const clock = { ms: 1_800_000_000_000 };
let fake: FakeOpenRouter;

beforeAll(async () => {
  fake = await startFakeOpenRouter({
    apiKey: API_KEY,
    clock: () => clock.ms,
    pricing: PRICES,
    responder: (request) => `Cleaned: ${request.messages.at(-1)?.content ?? ""}`,
    batch: { validatingMs: 100, inProgressMs: 1000, finalizingMs: 100 },
  });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

function makeClient(overrides: Partial<OpenRouterBatchClientOptions> = {}) {
  const delays: number[] = [];
  const client = createOpenRouterBatchClient({
    baseUrl: fake.baseUrl,
    apiKey: API_KEY,
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    retryDeps: {
      sleep: async (ms) => {
        delays.push(ms);
      },
    },
    ...overrides,
  });
  return { client, delays };
}

const items = (n: number, prefix = "dog"): BatchRequestItem[] =>
  Array.from({ length: n }, (_, i) => ({
    customId: `${prefix}-${i + 1}`,
    request: {
      messages: [
        { role: "system", content: "You clean rescue-dog descriptions." },
        { role: "user", content: `listing ${i + 1}` },
      ],
      temperature: 0.3,
      maxTokens: 300,
    },
  }));

const finish = () => {
  clock.ms += 2_000;
};

async function collect(iterable: AsyncIterable<BatchItemOutcome>) {
  const out: BatchItemOutcome[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("OpenRouter Batch API client: happy path", () => {
  it("derives the batches URL from LLM_BASE_URL (/api/v1 → /api/beta/batches)", () => {
    expect(batchesUrlFor("https://openrouter.ai/api/v1")).toBe(
      "https://openrouter.ai/api/beta/batches",
    );
    expect(batchesUrlFor("https://openrouter.ai/api/v1/")).toBe(
      "https://openrouter.ai/api/beta/batches",
    );
    expect(batchesUrlFor("http://localhost:8080/openai")).toBe(
      "http://localhost:8080/openai/batches",
    );
  });

  it("submits, polls through the states, and reads every answer page by page", async () => {
    const { client } = makeClient();
    const submitted = await client.submit({ model: MODEL, items: items(5) });
    expect(submitted).toMatchObject({
      status: "validating",
      model: MODEL,
      requestCounts: { total: 5, completed: 0, failed: 0 },
      usage: undefined,
      finalizedAtMs: undefined,
    });
    expect(submitted.expiresAtMs! - submitted.createdAtMs).toBe(24 * 3600_000);

    clock.ms += 100 + 400;
    const running = await client.get(submitted.id);
    expect(running.status).toBe("in_progress");
    expect(running.requestCounts.completed).toBe(2);

    finish();
    const done = await client.get(submitted.id);
    expect(done.status).toBe("completed");
    expect(done.requestCounts).toEqual({ total: 5, completed: 5, failed: 0 });
    expect(done.usage!.costUsd).toBeCloseTo(
      (done.usage!.promptTokens * PRICES.promptUsdPerToken +
        done.usage!.completionTokens * PRICES.completionUsdPerToken) /
        2,
      12,
    );

    const outcomes = await collect(client.results(submitted.id, { pageSize: 2 }));
    expect(outcomes.map((o) => o.customId)).toEqual(["dog-1", "dog-2", "dog-3", "dog-4", "dog-5"]);
    for (const [i, outcome] of outcomes.entries()) {
      expect(outcome.kind).toBe("answered");
      if (outcome.kind !== "answered") continue;
      expect(outcome.answer).toMatchObject({
        content: `Cleaned: listing ${i + 1}`,
        model: MODEL,
        finishReason: "stop",
        costUsd: 0,
      });
      expect(outcome.answer.promptTokens).toBeGreaterThan(0);
    }
    // Three pages of at most two: the client followed next_cursor.
    expect(fake.stats.batchCalls).toBe(1 + 2 + 3);
  });

  it("sends one model, endpoint and model before requests, and the chat body of each request", async () => {
    const { client } = makeClient();
    await client.submit({
      model: MODEL,
      items: [
        {
          customId: "profile-1",
          request: {
            messages: [{ role: "user", content: "x" }],
            temperature: 0.8,
            maxTokens: 900,
            responseFormat: {
              type: "json_schema",
              name: "dog_profile",
              schema: { type: "object" },
            },
          },
        },
      ],
    });
    const [batch] = await fake.batches.list();
    expect(batch).toMatchObject({ model: MODEL, total: 1, customIds: ["profile-1"] });
    // The batch sets the model once; each body is the sync client's chat body without it.
    expect(batch!.bodies[0]).toEqual({
      messages: [{ role: "user", content: "x" }],
      temperature: 0.8,
      max_tokens: 900,
      response_format: {
        type: "json_schema",
        json_schema: { name: "dog_profile", strict: true, schema: { type: "object" } },
      },
    });
    finish();
    const [outcome] = await collect(makeClient().client.results(batch!.id));
    expect(outcome?.kind).toBe("answered");
  });

  it("lists batches newest first across pages", async () => {
    const { client } = makeClient();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await client.submit({ model: MODEL, items: items(1) })).id);
    const first = await client.list({ limit: 2 });
    expect(first.batches.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    expect(first.nextAfter).toBe(ids[1]);
    const second = await client.list({ limit: 2, after: first.nextAfter! });
    expect(second.batches.map((b) => b.id)).toEqual([ids[0]]);
    expect(second.nextAfter).toBeUndefined();
  });

  it("deletes a finished batch; deleting a running one is a clear, final error", async () => {
    const { client } = makeClient();
    const batch = await client.submit({ model: MODEL, items: items(2) });
    const early = await client.deleteBatch(batch.id).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(LlmError);
    expect(early).toMatchObject({ category: "bad_request", status: 409 });
    expect(fake.stats.batchCalls).toBe(2); // not retried
    finish();
    await client.deleteBatch(batch.id);
    const gone = await client.get(batch.id).catch((e: unknown) => e);
    expect(gone).toMatchObject({ category: "bad_request", status: 404 });
  });
});

describe("OpenRouter Batch API client: partial failures and unfinished batches", () => {
  it("maps per-request errors, errors inside a response and empty answers to typed outcomes", async () => {
    const { client } = makeClient();
    fake.batches.script(
      fakeStep.httpError(429),
      fakeStep.httpError(400, { message: "bad schema" }),
      fakeStep.errorInChoice({ message: "provider hiccup" }),
      fakeStep.emptyLength(),
      fakeStep.httpError(502),
    );
    const batch = await client.submit({ model: MODEL, items: items(6) });
    finish();
    expect((await client.get(batch.id)).requestCounts).toEqual({
      total: 6,
      completed: 3,
      failed: 3,
    });
    const outcomes = await collect(client.results(batch.id));
    const categories = outcomes.map((o) => (o.kind === "failed" ? o.error.category : o.kind));
    expect(categories).toEqual([
      "rate_limited",
      "bad_request",
      "provider_error",
      "empty_output",
      "provider_unavailable",
      "answered",
    ]);
    const second = outcomes[1];
    expect(second?.kind === "failed" && second.error.message).toMatch(/bad schema/);
  });

  it("tells requests that never ran (expired, cancelled) from failed ones", async () => {
    const { client } = makeClient();
    fake.batches.plan({ kind: "expire", afterShare: 0.5 }, { kind: "cancel", afterShare: 0.25 });
    const expiring = await client.submit({ model: MODEL, items: items(4, "e") });
    const cancelling = await client.submit({ model: MODEL, items: items(4, "c") });
    finish();
    expect((await client.get(expiring.id)).status).toBe("expired");
    expect((await client.get(cancelling.id)).status).toBe("cancelled");
    const expired = await collect(client.results(expiring.id));
    expect(expired.map((o) => o.kind)).toEqual(["answered", "answered", "not_run", "not_run"]);
    expect(expired[3]).toMatchObject({ kind: "not_run", reason: "expired", customId: "e-4" });
    const cancelled = await collect(client.results(cancelling.id));
    expect(cancelled.filter((o) => o.kind === "not_run").map((o) => o.customId)).toEqual([
      "c-2",
      "c-3",
      "c-4",
    ]);
    expect(cancelled[1]).toMatchObject({ reason: "cancelled" });
  });

  it("reports a batch that failed validation with the provider's reason", async () => {
    const { client } = makeClient();
    fake.batches.plan({
      kind: "fail",
      message: "request dog-1: model does not support json_schema",
    });
    const batch = await client.submit({ model: MODEL, items: items(1) });
    clock.ms += 150;
    expect(await client.get(batch.id)).toMatchObject({
      status: "failed",
      failureMessage: "request dog-1: model does not support json_schema",
      usage: undefined,
    });
  });

  it("refuses results of a running batch without retrying", async () => {
    const { client } = makeClient();
    const batch = await client.submit({ model: MODEL, items: items(1) });
    await expect(client.resultsPage(batch.id)).rejects.toMatchObject({
      category: "bad_request",
      status: 409,
    });
  });
});

describe("OpenRouter Batch API client: errors and retries", () => {
  it("retries a transient failure of a read, honouring Retry-After", async () => {
    const { client, delays } = makeClient();
    const batch = await client.submit({ model: MODEL, items: items(1) });
    fake.batches.scriptCalls(fakeStep.httpError(503), fakeStep.httpError(429, { retryAfter: 2 }));
    expect((await client.get(batch.id)).id).toBe(batch.id);
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBe(2_000);
  });

  it("retries a submission the provider refused with 429, and creates one batch", async () => {
    const { client } = makeClient();
    fake.batches.scriptCalls(fakeStep.httpError(429, { retryAfter: 1 }));
    await client.submit({ model: MODEL, items: items(2) });
    expect(fake.stats).toMatchObject({ batchSubmissions: 2, batchesCreated: 1 });
  });

  it.each([
    ["a 503", fakeStep.httpError(503)],
    ["a dropped connection", fakeStep.dropConnection()],
  ])("does not re-send a submission after %s: it may have arrived", async (_what, step) => {
    const { client } = makeClient();
    fake.batches.scriptCalls(step);
    const error = await client.submit({ model: MODEL, items: items(2) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchSubmissionUncertainError);
    expect((error as Error).message).toMatch(/not re-sent/);
    expect(fake.stats.batchSubmissions).toBe(1);
  });

  it("does not re-send a submission that hit its deadline", async () => {
    const { client } = makeClient({ timeoutMs: 200 });
    fake.batches.scriptCalls(fakeStep.stallAfterHeaders());
    const error = await client.submit({ model: MODEL, items: items(1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchSubmissionUncertainError);
    expect((error as BatchSubmissionUncertainError).cause).toMatchObject({ category: "timeout" });
    expect(fake.stats.batchSubmissions).toBe(1);
  });

  it("re-sends a submission that never reached a server (connection refused)", async () => {
    const port = await freePort();
    const { client, delays } = makeClient({ baseUrl: `http://127.0.0.1:${port}/api/v1` });
    const error = await client.submit({ model: MODEL, items: items(1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ category: "network" });
    expect(delays).toHaveLength(2); // all three attempts were made
  });

  it("stops at once on a bad key, without the key in the message", async () => {
    const { client, delays } = makeClient({ apiKey: "sk-or-v1-wrong-key-999" });
    const error = await client.submit({ model: MODEL, items: items(1) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ category: "auth", status: 401, fatalForRun: true });
    expect((error as Error).message).not.toContain("sk-or-v1-wrong-key-999");
    expect(delays).toHaveLength(0);
  });

  it("checks the documented limits before sending anything", async () => {
    const { client } = makeClient({ limits: { maxRequests: 3, maxBodyBytes: 2_000 } });
    expect(client.limits).toEqual({ maxRequests: 3, maxBodyBytes: 2_000 });
    await expect(client.submit({ model: MODEL, items: items(4) })).rejects.toThrow(
      /at most 3 requests; got 4/,
    );
    const big = items(1);
    big[0] = {
      customId: "big",
      request: { messages: [{ role: "user", content: "x".repeat(3_000) }], temperature: 0.3 },
    };
    await expect(client.submit({ model: MODEL, items: big })).rejects.toThrow(/at most 2000 bytes/);
    await expect(
      client.submit({ model: MODEL, items: [...items(1), ...items(1)] }),
    ).rejects.toThrow(/dog-1 appears twice/);
    await expect(
      client.submit({ model: "openrouter/auto", items: items(1) }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(makeClient().client.limits).toEqual({ maxRequests: 5_000, maxBodyBytes: 200_000_000 });
    expect(fake.stats.batchCalls).toBe(0);
  });

  it("honours the caller's AbortSignal", async () => {
    const { client } = makeClient();
    const batch = await client.submit({ model: MODEL, items: items(1) });
    fake.batches.scriptCalls(fakeStep.stallAfterHeaders());
    const controller = new AbortController();
    const pending = client.get(batch.id, { signal: controller.signal });
    await expect.poll(() => fake.stats.batchCalls).toBe(2);
    controller.abort(new Error("stopped by Ctrl-C"));
    await expect(pending).rejects.toThrow(/stopped by Ctrl-C/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
