// The fake's Batch API over real HTTP, its clock injected so batches move through their states
// without waiting.
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { countChatTokens, countTextTokens } from "../../src/enrichment/count-tokens.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
  type FakeOpenRouterOptions,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { fakeStep } from "../../src/testing/fake-openrouter/fake-scenarios.js";

const PRICES = { promptUsdPerToken: 2e-6, completionUsdPerToken: 8e-6 };
const MODEL = "openai/gpt-4o-mini";

const opened: FakeOpenRouter[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((f) => f.close()));
});

/** A fake on a hand-driven clock: 100 ms validating, 1,000 ms running, 100 ms finalizing. */
async function start(options: FakeOpenRouterOptions = {}) {
  const clock = { ms: 1_800_000_000_000 };
  const fake = await startFakeOpenRouter({
    clock: () => clock.ms,
    pricing: PRICES,
    responder: (request) => `answer to ${request.messages.at(-1)?.content ?? ""}`,
    ...options,
    batch: { validatingMs: 100, inProgressMs: 1000, finalizingMs: 100, ...options.batch },
  });
  opened.push(fake);
  const batchesUrl = fake.baseUrl.replace(/\/v1$/, "/beta/batches");
  return { fake, clock, batchesUrl };
}

const chatRequest = (customId: string, text = customId, extra: Record<string, unknown> = {}) => ({
  custom_id: customId,
  body: { messages: [{ role: "user", content: text }], temperature: 0.2, ...extra },
});

const submission = (n: number, extra: Record<string, unknown> = {}) => ({
  endpoint: "/v1/chat/completions",
  model: MODEL,
  ...extra,
  requests: Array.from({ length: n }, (_, i) => chatRequest(`req-${i + 1}`)),
});

interface BatchJson {
  id: string;
  object: string;
  status: string;
  model: string;
  created_at: number;
  finalized_at: number | null;
  expires_at: number;
  request_counts: { total: number; completed: number; failed: number };
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cost: number;
  } | null;
  results: ResultJson[] | null;
  error: { message: string } | null;
}
interface ResultJson {
  id: string;
  custom_id: string;
  response: {
    status_code: number;
    body: {
      model: string;
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
  } | null;
  error: { message: string; type: string; param: null } | null;
}

async function call(url: string, init: { method?: string; body?: unknown; raw?: string } = {}) {
  const res = await fetch(url, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? "POST" : "GET"),
    headers: { "content-type": "application/json" },
    ...(init.raw !== undefined
      ? { body: init.raw }
      : init.body !== undefined
        ? { body: JSON.stringify(init.body) }
        : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function submit(batchesUrl: string, body: unknown = submission(3)) {
  const { status, json } = await call(batchesUrl, { body });
  expect(status).toBe(202);
  return json as unknown as BatchJson;
}

const get = async (batchesUrl: string, id: string) =>
  (await call(`${batchesUrl}/${id}`)).json as unknown as BatchJson;

describe("fake Batch API: lifecycle", () => {
  it("moves validating → in_progress → finalizing → completed, answering as it goes", async () => {
    const { fake, clock, batchesUrl } = await start();
    const created = await submit(batchesUrl, submission(10));
    expect(created).toMatchObject({
      object: "batch",
      status: "validating",
      model: MODEL,
      request_counts: { total: 10, completed: 0, failed: 0 },
      usage: null,
      results: null,
      error: null,
      finalized_at: null,
    });
    expect(created.id).toMatch(/^batch_/);
    expect(created.expires_at - created.created_at).toBe(24 * 3600);

    clock.ms += 100 + 500; // half way through in_progress
    const running = await get(batchesUrl, created.id);
    expect(running.status).toBe("in_progress");
    expect(running.request_counts).toEqual({ total: 10, completed: 5, failed: 0 });
    expect(running.results).toBeNull();

    clock.ms += 550;
    expect((await get(batchesUrl, created.id)).status).toBe("finalizing");

    clock.ms += 100;
    const done = await get(batchesUrl, created.id);
    expect(done.status).toBe("completed");
    expect(done.request_counts).toEqual({ total: 10, completed: 10, failed: 0 });
    expect(done.finalized_at).toBe(Math.floor(clock.ms / 1000));
    expect(done.results!.map((r) => r.custom_id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `req-${i + 1}`),
    );
    for (const r of done.results!) {
      expect(r.error).toBeNull();
      expect(r.response!.status_code).toBe(200);
      expect(r.response!.body.choices[0]!.message.content).toBe(`answer to ${r.custom_id}`);
    }
    expect(fake.stats).toMatchObject({
      batchesCreated: 1,
      batchRequests: 10,
      batchRequestsAnswered: 10,
      completions: 0,
    });
  });

  it("bills usage at half the sync price, with tokens from the tokenizer", async () => {
    const { fake, clock, batchesUrl } = await start();
    const created = await submit(batchesUrl, submission(4));
    clock.ms += 2000;
    const done = await get(batchesUrl, created.id);

    const prompt = countChatTokens([{ role: "user", content: "req-1" }]);
    const completion = countTextTokens("answer to req-1");
    const first = done.results![0]!.response!.body.usage;
    expect(first).toMatchObject({ prompt_tokens: prompt, completion_tokens: completion });
    const usage = done.usage!;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    const syncPrice =
      usage.prompt_tokens * PRICES.promptUsdPerToken +
      usage.completion_tokens * PRICES.completionUsdPerToken;
    expect(usage.cost).toBeCloseTo(syncPrice / 2, 12);
    expect(fake.stats.batchCostUsd).toBeCloseTo(usage.cost, 12);
    expect(fake.stats.costUsd).toBe(0);
  });

  it("answers batch requests with the same responder as sync completions", async () => {
    const seen: string[] = [];
    const { clock, fake, batchesUrl } = await start({
      responder: (request) => {
        seen.push(`${request.model}: ${request.messages[0]!.content}`);
        return "planted fault: a dog that does not exist";
      },
    });
    const created = await submit(batchesUrl, submission(2));
    clock.ms += 2000;
    const done = await get(batchesUrl, created.id);
    expect(done.results!.map((r) => r.response!.body.choices[0]!.message.content)).toEqual([
      "planted fault: a dog that does not exist",
      "planted fault: a dog that does not exist",
    ]);
    const sync = await call(`${fake.baseUrl}/chat/completions`, {
      body: { model: MODEL, messages: [{ role: "user", content: "sync" }] },
    });
    expect(sync.status).toBe(200);
    expect(seen).toEqual([`${MODEL}: req-1`, `${MODEL}: req-2`, `${MODEL}: sync`]);
  });

  it("serves the same API under /api/v1/batches (the API reference's path)", async () => {
    const { fake, batchesUrl } = await start();
    const created = await submit(batchesUrl);
    const viaV1 = await call(`${fake.baseUrl}/batches/${created.id}`);
    expect(viaV1.status).toBe(200);
    expect(viaV1.json.id).toBe(created.id);
  });

  it("requires the Bearer key like the other routes", async () => {
    const { fake, batchesUrl } = await start({ apiKey: "sk-batch" });
    expect((await call(batchesUrl, { body: submission(1) })).status).toBe(401);
    expect((await call(batchesUrl)).status).toBe(401);
    const ok = await fetch(batchesUrl, {
      method: "POST",
      headers: { authorization: "Bearer sk-batch", "content-type": "application/json" },
      body: JSON.stringify(submission(1)),
    });
    expect(ok.status).toBe(202);
    expect(fake.stats.batchesCreated).toBe(1);
  });
});

describe("fake Batch API: partial failures and per-request errors", () => {
  it("completes with some requests failed: exactly one of response / error per result", async () => {
    const { fake, clock, batchesUrl } = await start();
    fake.batches.script(
      fakeStep.content("first"),
      fakeStep.httpError(429),
      fakeStep.httpError(500, { message: "upstream broke" }),
      fakeStep.errorInChoice(),
    );
    const created = await submit(batchesUrl, submission(5));
    clock.ms += 2000;
    const done = await get(batchesUrl, created.id);
    expect(done.status).toBe("completed");
    expect(done.request_counts).toEqual({ total: 5, completed: 3, failed: 2 });
    const [first, limited, broken, inChoice, fifth] = done.results!;
    expect(first!.response!.body.choices[0]!.message.content).toBe("first");
    expect(limited).toMatchObject({
      response: null,
      error: { type: "rate_limit_error", param: null },
    });
    expect(broken).toMatchObject({
      response: null,
      error: { type: "server_error", message: "upstream broke" },
    });
    expect(inChoice!.response!.body.choices[0]!.finish_reason).toBe("error");
    expect(fifth!.response!.body.choices[0]!.message.content).toBe("answer to req-5");
    for (const r of done.results!) expect((r.response === null) !== (r.error === null)).toBe(true);
    // Failed requests are not billed.
    const billedPrompt = done.results!.reduce(
      (sum, r) => sum + (r.response?.body.usage?.prompt_tokens ?? 0),
      0,
    );
    expect(done.usage!.prompt_tokens).toBe(billedPrompt);
  });

  it("fails a configured share of requests, the same ones per seed", async () => {
    const failedIds = async () => {
      const { clock, batchesUrl } = await start({ seed: 3, batch: { requestFailureRate: 0.3 } });
      const created = await submit(batchesUrl, submission(40));
      clock.ms += 2000;
      const done = await get(batchesUrl, created.id);
      return done.results!.filter((r) => r.error).map((r) => r.custom_id);
    };
    const first = await failedIds();
    expect(first.length).toBeGreaterThan(4);
    expect(first.length).toBeLessThan(24);
    expect(await failedIds()).toEqual(first);
  });

  it("refuses a transport-level step for batch requests", async () => {
    const { fake } = await start();
    expect(() => fake.batches.script(fakeStep.dropConnection())).toThrow(/drop_connection/);
  });
});

describe("fake Batch API: failed, expired and cancelled batches", () => {
  it("accepts, then fails validation of a non-text request, naming it", async () => {
    const { clock, batchesUrl } = await start();
    const body = submission(2);
    body.requests.push({
      custom_id: "with-image",
      body: {
        messages: [
          {
            role: "user",
            content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] as never,
          },
        ],
        temperature: 0,
      },
    });
    const created = await submit(batchesUrl, body);
    expect(created.status).toBe("validating");
    clock.ms += 150;
    const failed = await get(batchesUrl, created.id);
    expect(failed).toMatchObject({
      status: "failed",
      results: null,
      usage: null,
      request_counts: { total: 3, completed: 0, failed: 0 },
    });
    expect(failed.error!.message).toMatch(/with-image.*text-only/);
    expect((await call(`${batchesUrl}/${created.id}/results`)).json).toMatchObject({
      data: [],
      has_more: false,
    });
  });

  it("expires when the window ends: what ran stays, the rest is batch_expired", async () => {
    const { fake, clock, batchesUrl } = await start();
    fake.batches.plan({ kind: "expire", afterShare: 0.5 });
    const created = await submit(batchesUrl, submission(6));
    clock.ms += 100 + 500;
    const expired = await get(batchesUrl, created.id);
    expect(expired.status).toBe("expired");
    expect(expired.request_counts).toEqual({ total: 6, completed: 3, failed: 3 });
    expect(expired.results!.slice(0, 3).every((r) => r.response !== null)).toBe(true);
    for (const r of expired.results!.slice(3)) {
      expect(r.error).toMatchObject({ type: "batch_expired", param: null });
    }
    expect(expired.usage!.cost).toBeGreaterThan(0);
    clock.ms += 10_000;
    expect((await get(batchesUrl, created.id)).status).toBe("expired");
  });

  it("expires a running batch on demand, and cancels another through cancelling", async () => {
    const { fake, clock, batchesUrl } = await start();
    const a = await submit(batchesUrl, submission(4));
    const b = await submit(batchesUrl, submission(4));
    clock.ms += 100 + 250;
    fake.batches.expire(a.id);
    fake.batches.cancel(b.id);
    expect((await get(batchesUrl, a.id)).status).toBe("expired");
    const cancelling = await get(batchesUrl, b.id);
    expect(cancelling.status).toBe("cancelling");
    expect(cancelling.results).toBeNull();
    clock.ms += 100;
    const cancelled = await get(batchesUrl, b.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.request_counts).toEqual({ total: 4, completed: 1, failed: 3 });
    expect(cancelled.results!.at(-1)!.error!.type).toBe("batch_cancelled");
    expect((await fake.batches.list()).map((s) => s.status)).toEqual(["expired", "cancelled"]);
  });

  it("fails a batch still validating on demand, or by plan", async () => {
    const { fake, clock, batchesUrl } = await start();
    const a = await submit(batchesUrl);
    fake.batches.fail(a.id, "provider refused the batch");
    fake.batches.plan({ kind: "fail", message: "planned failure" });
    const b = await submit(batchesUrl);
    clock.ms += 100;
    expect((await get(batchesUrl, a.id)).error).toEqual({ message: "provider refused the batch" });
    expect((await get(batchesUrl, b.id)).error).toEqual({ message: "planned failure" });
    expect(() => fake.batches.fail(a.id)).toThrow(/past validating/);
  });
});

describe("fake Batch API: results pages, list, delete", () => {
  it("pages results with a cursor until has_more is false", async () => {
    const { clock, batchesUrl } = await start();
    const created = await submit(batchesUrl, submission(7));
    const early = await call(`${batchesUrl}/${created.id}/results`);
    expect(early.status).toBe(409);
    clock.ms += 2000;

    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url = `${batchesUrl}/${created.id}/results?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const { status, json } = await call(url);
      expect(status).toBe(200);
      const page = json as {
        object: string;
        data: ResultJson[];
        has_more: boolean;
        next_cursor: string | null;
      };
      expect(page.object).toBe("list");
      ids.push(...page.data.map((r) => r.custom_id));
      expect(page.has_more).toBe(page.next_cursor !== null);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(ids).toEqual(Array.from({ length: 7 }, (_, i) => `req-${i + 1}`));

    // Pages are stable: the same cursor gives the same page again.
    const first = await call(`${batchesUrl}/${created.id}/results?limit=3`);
    const cursor2 = (first.json as { next_cursor: string }).next_cursor;
    const again = await call(`${batchesUrl}/${created.id}/results?limit=3&cursor=${cursor2}`);
    expect((again.json.data as ResultJson[]).map((r) => r.custom_id)).toEqual([
      "req-4",
      "req-5",
      "req-6",
    ]);

    expect((await call(`${batchesUrl}/${created.id}/results?limit=0`)).status).toBe(400);
    expect((await call(`${batchesUrl}/${created.id}/results?limit=1001`)).status).toBe(400);
    expect((await call(`${batchesUrl}/${created.id}/results?cursor=bogus`)).status).toBe(400);
    const other = await submit(batchesUrl);
    clock.ms += 2000;
    expect((await call(`${batchesUrl}/${other.id}/results?cursor=${cursor2}`)).status).toBe(400);
  });

  it("lists batches newest first, page by page with after = last_id, without results", async () => {
    const { batchesUrl } = await start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await submit(batchesUrl, submission(1))).id);
    const first = (await call(`${batchesUrl}?limit=2`)).json as {
      data: Record<string, unknown>[];
      first_id: string;
      last_id: string;
      has_more: boolean;
    };
    expect(first.data.map((b) => b.id)).toEqual([ids[4], ids[3]]);
    expect(first).toMatchObject({ first_id: ids[4], last_id: ids[3], has_more: true });
    expect(first.data[0]).not.toHaveProperty("results");
    const rest = (await call(`${batchesUrl}?limit=10&after=${first.last_id}`)).json as {
      data: { id: string }[];
      has_more: boolean;
    };
    expect(rest.data.map((b) => b.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(rest.has_more).toBe(false);
    expect((await call(`${batchesUrl}?limit=101`)).status).toBe(400);
  });

  it("deletes only a finished batch; then it is gone", async () => {
    const { clock, batchesUrl } = await start();
    const created = await submit(batchesUrl);
    const early = await call(`${batchesUrl}/${created.id}`, { method: "DELETE" });
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({ error: { code: 409 } });
    clock.ms += 2000;
    const deleted = await call(`${batchesUrl}/${created.id}`, { method: "DELETE" });
    expect(deleted).toEqual({
      status: 200,
      json: { id: created.id, object: "batch", deletion: { openrouter: "deleted" } },
    });
    expect((await call(`${batchesUrl}/${created.id}`)).status).toBe(404);
    expect((await call(`${batchesUrl}/${created.id}/results`)).status).toBe(404);
    expect(((await call(batchesUrl)).json.data as unknown[]).length).toBe(0);
  });
});

describe("fake Batch API: submission rules and limits", () => {
  it("rejects what OpenRouter rejects before the 202, saying why", async () => {
    const { fake, batchesUrl } = await start();
    const reject = async (body: unknown, pattern: RegExp, status = 400) => {
      const res = await call(batchesUrl, typeof body === "string" ? { raw: body } : { body });
      expect(res.status).toBe(status);
      expect((res.json.error as { code: number; message: string }).message).toMatch(pattern);
      expect((res.json.error as { code: number }).code).toBe(status);
    };
    await reject("{not json", /JSON object/);
    // `requests` first: the API stream-parses and needs endpoint and model before it.
    await reject(
      `{"requests":[{"custom_id":"a","body":{"messages":[]}}],"endpoint":"/v1/chat/completions","model":"${MODEL}"}`,
      /before requests/,
    );
    await reject({ ...submission(1), endpoint: "/v1/completions" }, /endpoint must be one of/);
    await reject({ ...submission(1), endpoint: "/v1/embeddings" }, /only \/v1\/chat\/completions/);
    await reject(
      { endpoint: "/v1/chat/completions", requests: submission(1).requests },
      /model is required/,
    );
    await reject({ ...submission(1), model: "openrouter/auto" }, /one model/);
    await reject(submission(1, { completion_window: "1h" }), /24h/);
    await reject({ ...submission(0) }, /non-empty array/);
    await reject(
      { ...submission(1), requests: [chatRequest("same"), chatRequest("same")] },
      /duplicate custom_id same/,
    );
    await reject(
      {
        ...submission(1),
        requests: [chatRequest("a", "x", { model: "anthropic/claude-3.5-haiku" })],
      },
      /one model/,
    );
    expect(fake.stats.batchesCreated).toBe(0);
    // The batch-level model may repeat in a body, also as its :batch variant.
    await submit(batchesUrl, {
      ...submission(1),
      requests: [chatRequest("a", "x", { model: MODEL })],
    });
    await submit(batchesUrl, { ...submission(1), model: `${MODEL}:batch` });
  });

  it("holds at most 5,000 requests per batch", async () => {
    const { batchesUrl } = await start();
    await submit(batchesUrl, submission(5000));
    const over = await call(batchesUrl, { body: submission(5001) });
    expect(over.status).toBe(400);
    expect((over.json.error as { message: string }).message).toMatch(/at most 5000 requests/);
  });

  it("answers 413 past the size limit (lowered here from 200 MB)", async () => {
    const { fake, batchesUrl } = await start({ batch: { maxBodyBytes: 10_000 } });
    const big = submission(1);
    big.requests[0]!.body.messages[0]!.content = "x".repeat(20_000);
    const res = await call(batchesUrl, { body: big });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: { code: 413 } });
    expect(fake.stats.batchesCreated).toBe(0);
  });
});

describe("fake GET /models", () => {
  it("lists prices as decimal strings, :batch variants at half price, auto as -1", async () => {
    const { fake } = await start({
      modelPricing: { "acme/pricey": { promptUsdPerToken: 3e-6, completionUsdPerToken: 15e-6 } },
    });
    const { data } = (await (await fetch(`${fake.baseUrl}/models`)).json()) as {
      data: {
        id: string;
        canonical_slug: string;
        pricing: { prompt: string; completion: string };
      }[];
    };
    const byId = new Map(data.map((m) => [m.id, m]));
    expect(byId.get(MODEL)!.pricing).toMatchObject({ prompt: "0.000002", completion: "0.000008" });
    expect(byId.get(`${MODEL}:batch`)!.pricing).toMatchObject({
      prompt: "0.000001",
      completion: "0.000004",
    });
    expect(byId.get(`${MODEL}:batch`)!.canonical_slug).toBe(MODEL);
    expect(byId.get("acme/pricey")!.pricing).toMatchObject({
      prompt: "0.000003",
      completion: "0.000015",
    });
    expect(byId.get("openrouter/auto")!.pricing).toMatchObject({ prompt: "-1", completion: "-1" });
    for (const m of data) expect(m.pricing.prompt).not.toMatch(/e/);
  });
});

describe("rescue-llm fake-openrouter --batch-turnaround-ms", () => {
  it("runs batches to completion within the given turnaround", async () => {
    const stdout = new PassThrough();
    let printed = "";
    stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const controller = new AbortController();
    const exit = runCli(["fake-openrouter", "--port", "0", "--batch-turnaround-ms", "200"], {
      stdout,
      stderr: new PassThrough(),
      env: {},
      signal: controller.signal,
    });
    await expect.poll(() => /listening: (\S+)/.exec(printed)?.[1]).toBeTruthy();
    const baseUrl = /listening: (\S+)/.exec(printed)![1]!;
    const batchesUrl = baseUrl.replace(/\/v1$/, "/beta/batches");
    const created = await submit(batchesUrl, submission(2));
    await expect
      .poll(async () => (await get(batchesUrl, created.id)).status, { timeout: 10_000 })
      .toBe("completed");
    controller.abort();
    expect(await exit).toBe(0);
    expect(printed).toMatch(/and 1 batches/);
  });

  it("rejects a bad turnaround with a usage exit code", async () => {
    const stderr = new PassThrough();
    let errors = "";
    stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    const code = await runCli(["fake-openrouter", "--batch-turnaround-ms", "soon"], {
      stdout: new PassThrough(),
      stderr,
      env: {},
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(errors).toMatch(/--batch-turnaround-ms/);
  });
});
