import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { countChatTokens, countTextTokens } from "../../src/enrichment/count-tokens.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
} from "../../src/testing/fake-openrouter/fake-openrouter-server.js";
import { fakeStep } from "../../src/testing/fake-openrouter/fake-scenarios.js";
import { createLatencySampler, createPrng } from "../../src/testing/fake-openrouter/latency.js";
import { waitFor } from "../support/wait-for.js";

const opened: FakeOpenRouter[] = [];
async function start(options: Parameters<typeof startFakeOpenRouter>[0] = {}) {
  const fake = await startFakeOpenRouter(options);
  opened.push(fake);
  return fake;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((f) => f.close()));
});

const body = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "openrouter/auto",
    messages: [{ role: "user", content: "Hello there" }],
    ...extra,
  });

interface CompletionJson {
  model?: string;
  error?: { code: number; message: string; metadata?: Record<string, unknown> };
  choices: [
    {
      finish_reason: string;
      message: { role: string; content: string };
      error?: { code: number; message: string };
    },
  ];
  usage: { prompt_tokens: number; completion_tokens: number; cost: number };
}

async function complete(fake: FakeOpenRouter, init: { body?: string; key?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  const res = await fetch(`${fake.baseUrl}/chat/completions`, {
    method: "POST",
    headers,
    body: init.body ?? body(),
  });
  return {
    status: res.status,
    headers: res.headers,
    json: (await res.json()) as CompletionJson,
  };
}

describe("fake OpenRouter server", () => {
  it("answers like OpenRouter: served model for openrouter/auto, usage with cost", async () => {
    const fake = await start({
      responder: () => "Hi!",
      pricing: { promptUsdPerToken: 1e-6, completionUsdPerToken: 2e-6 },
    });
    const { status, json } = await complete(fake);
    expect(status).toBe(200);
    expect(json.model).toBe("openai/gpt-4o-mini");
    expect(json.choices[0]).toMatchObject({
      finish_reason: "stop",
      message: { role: "assistant", content: "Hi!" },
    });
    const usage = json.usage;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.cost).toBeCloseTo(usage.prompt_tokens * 1e-6 + usage.completion_tokens * 2e-6, 12);
    expect(fake.stats).toMatchObject({
      requests: 1,
      completions: 1,
      byStatus: { 200: 1 },
      inFlight: 0,
    });
  });

  it("counts usage with the tokenizer and charges each model its own price", async () => {
    const fake = await start({
      responder: () => "Bella is a calm four-year-old Labrador.",
      modelPricing: { "acme/pricey": { promptUsdPerToken: 3e-6, completionUsdPerToken: 15e-6 } },
    });
    const messages = [
      { role: "system", content: "You tidy adoption listings." },
      { role: "user", content: "<listing>bella is a calm 4 year old labrador</listing>" },
    ];
    const schema = { type: "json_object" };
    const { json } = await complete(fake, {
      body: JSON.stringify({ model: "acme/pricey", messages, response_format: schema }),
    });
    expect(json.usage.prompt_tokens).toBe(
      countChatTokens(messages) + countTextTokens(JSON.stringify(schema)),
    );
    expect(json.usage.completion_tokens).toBe(
      countTextTokens("Bella is a calm four-year-old Labrador."),
    );
    expect(json.usage.cost).toBeCloseTo(
      json.usage.prompt_tokens * 3e-6 + json.usage.completion_tokens * 15e-6,
      12,
    );
  });

  it("uses the default model-like responder when none is given", async () => {
    const fake = await start();
    const { json } = await complete(fake);
    expect(typeof json.choices[0].message.content).toBe("string");
    expect(json.choices[0].message.content.length).toBeGreaterThan(0);
  });

  it("plays scripted steps in order, then falls back to the responder; reset clears them", async () => {
    const fake = await start({ responder: () => "normal" });
    fake.script(fakeStep.httpError(503), fakeStep.content("scripted"));
    expect((await complete(fake)).json).toMatchObject({ error: { code: 503 } });
    expect((await complete(fake)).json.choices[0].message.content).toBe("scripted");
    expect((await complete(fake)).json.choices[0].message.content).toBe("normal");
    expect(fake.requests).toHaveLength(3);
    fake.script(fakeStep.httpError(400));
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect((await complete(fake)).status).toBe(200);
    expect(fake.stats.completions).toBe(1);
  });

  it("produces the documented error shapes", async () => {
    const fake = await start();
    fake.script(
      fakeStep.httpError(403),
      fakeStep.errorInChoice({ code: 502, message: "upstream died" }),
      fakeStep.errorInBody({ code: 500, message: "boom" }),
      fakeStep.emptyLength(),
    );
    const moderation = await complete(fake);
    expect(moderation.status).toBe(403);
    expect(moderation.json.error).toMatchObject({ code: 403, metadata: { reasons: ["violence"] } });
    const inChoice = await complete(fake);
    expect(inChoice.status).toBe(200);
    expect(inChoice.json.choices[0]).toMatchObject({
      finish_reason: "error",
      error: { code: 502, message: "upstream died" },
    });
    const inBody = await complete(fake);
    expect(inBody.status).toBe(200);
    expect(inBody.json).toMatchObject({ error: { code: 500, message: "boom" } });
    expect(inBody.json).not.toHaveProperty("choices");
    const empty = await complete(fake);
    expect(empty.json.choices[0]).toMatchObject({
      finish_reason: "length",
      message: { content: "" },
    });
  });

  it("requires the configured Bearer key", async () => {
    const fake = await start({ apiKey: "sk-fake" });
    expect((await complete(fake)).status).toBe(401);
    expect((await complete(fake, { key: "sk-wrong" })).json).toMatchObject({
      error: { code: 401 },
    });
    expect((await complete(fake, { key: "sk-fake" })).status).toBe(200);
    const key = await fetch(`${fake.baseUrl}/key`, {
      headers: { authorization: "Bearer sk-fake" },
    });
    expect(((await key.json()) as { data: { label: string } }).data.label).toBe("fake-key");
    expect((await fetch(`${fake.baseUrl}/key`)).status).toBe(401);
  });

  it("lists models and rejects unknown routes and bad bodies with the envelope", async () => {
    const fake = await start({ servedModel: "meta/llama-3.1-8b" });
    const models = (await (await fetch(`${fake.baseUrl}/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toContain("meta/llama-3.1-8b");
    expect((await fetch(`${fake.baseUrl}/nope`)).status).toBe(404);
    expect((await complete(fake, { body: "{not json" })).json).toMatchObject({
      error: { code: 400 },
    });
  });

  it("reports the first models[] entry when the fallback serves", async () => {
    const fake = await start();
    fake.script(fakeStep.fallbackServed("ok"));
    const { json } = await complete(fake, {
      body: body({ models: ["mistralai/mistral-small", "x/y"] }),
    });
    expect(json.model).toBe("mistralai/mistral-small");
  });

  it("fails a configured share of calls with transient statuses, deterministically per seed", async () => {
    const run = async () => {
      const fake = await start({ failureRate: 0.5, seed: 7, responder: () => "ok" });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await complete(fake)).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const failures = first.filter((s) => s !== 200);
    expect(failures.length).toBeGreaterThan(8);
    expect(failures.length).toBeLessThan(32);
    expect(new Set(failures).size).toBeGreaterThan(1);
    for (const s of failures) expect([502, 503, 529]).toContain(s);
  });

  it("tracks concurrency and applies latency", async () => {
    // No answer goes out before all five requests have arrived, so all five are in flight
    // together however slowly a busy machine delivers them (counted, not timed).
    let answered = 0;
    let fake: FakeOpenRouter | undefined = undefined;
    fake = await start({
      latency: 30,
      responder: async () => {
        await waitFor(() => (fake?.stats.completions ?? 0) >= 5, 60_000, "all five requests");
        answered += 1;
        return "ok";
      },
    });
    const started = performance.now();
    await Promise.all(Array.from({ length: 5 }, () => complete(fake)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(answered).toBe(5);
    expect(fake.stats.maxInFlight).toBe(5);
    expect(fake.stats.inFlight).toBe(0);
  });
});

describe("latency sampling", () => {
  it("is reproducible per seed and log-normal around the median", () => {
    const a = createLatencySampler({ medianMs: 200, sigma: 0.5 }, createPrng(1));
    const b = createLatencySampler({ medianMs: 200, sigma: 0.5 }, createPrng(1));
    const xs = Array.from({ length: 2001 }, () => a());
    expect(Array.from({ length: 2001 }, () => b())).toEqual(xs);
    const sorted = [...xs].sort((x, y) => x - y);
    const median = sorted[1000]!;
    expect(median).toBeGreaterThan(180);
    expect(median).toBeLessThan(220);
    expect(Math.max(...xs)).toBeGreaterThan(400); // right-skewed tail
    expect(createLatencySampler(15, createPrng(1))()).toBe(15);
  });
});

describe("rescue-llm fake-openrouter", () => {
  it("prints its base URL, serves until the signal aborts", async () => {
    const stdout = new PassThrough();
    let printed = "";
    stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const controller = new AbortController();
    const exit = runCli(["fake-openrouter", "--port", "0", "--rps", "100"], {
      stdout,
      stderr: new PassThrough(),
      env: {},
      signal: controller.signal,
    });
    await expect.poll(() => /listening: (\S+)/.exec(printed)?.[1]).toBeTruthy();
    const baseUrl = /listening: (\S+)/.exec(printed)![1]!;
    const res = await fetch(`${baseUrl}/chat/completions`, { method: "POST", body: body() });
    expect(res.status).toBe(200);
    controller.abort();
    expect(await exit).toBe(0);
    expect(printed).toMatch(/Stopped after 1 completion/);
  });

  it("rejects a bad option value with a usage exit code", async () => {
    const stderr = new PassThrough();
    let errors = "";
    stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    const code = await runCli(["fake-openrouter", "--failure-rate", "2"], {
      stdout: new PassThrough(),
      stderr,
      env: {},
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(errors).toMatch(/--failure-rate/);
  });
});
