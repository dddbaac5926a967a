// Error bodies never carry a secret, a stack, SQL or a URL: asserted on the raw bytes, with
// the API keys, provider key and a database password planted in the config.
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseUnavailableError, LlmError } from "../../src/errors.js";
import { mapError } from "../../src/http/error-handler.js";
import { fakeStep } from "../../src/testing/fake-openrouter/fake-scenarios.js";
import { createTestDatabase } from "../support/test-databases.js";
import { auth, leakedSecrets, SECRETS, startHarness, type Harness } from "./support/api-harness.js";

const STACK_LINE = /\n\s+at\s|node_modules|\.ts:\d+|\.js:\d+/;
const SQL = /\b(SELECT|INSERT|UPDATE|FROM animals|WHERE)\b/;

function expectClean(raw: string) {
  expect(leakedSecrets(raw)).toEqual([]);
  expect(raw).not.toMatch(STACK_LINE);
  expect(raw).not.toMatch(SQL);
  expect(raw).not.toMatch(/postgres:\/\/|127\.0\.0\.1:\d+/);
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness("pglite");
});
afterAll(async () => {
  await h.close();
});

describe("error bodies", () => {
  it("no rejection on any route echoes a secret or internals", async () => {
    const requests = [
      {
        method: "POST",
        url: "/api/llm/enrich",
        headers: { authorization: `Bearer ${SECRETS.openRouterKey}` },
        payload: {},
      },
      {
        method: "POST",
        url: "/api/llm/enrich",
        headers: { "x-api-key": `${SECRETS.apiKey}-nope` },
        payload: {},
      },
      {
        method: "POST",
        url: "/api/llm/enrich",
        headers: auth,
        payload: { animal_id: SECRETS.dbPassword },
      },
      {
        method: "POST",
        url: "/api/llm/batch-enrich",
        headers: auth,
        payload: { animal_ids: [1, 1] },
      },
      {
        method: "POST",
        url: "/api/llm/translate",
        headers: auth,
        payload: { text: "", [SECRETS.dbPassword]: 1 },
      },
      { method: "POST", url: "/api/llm/jobs", headers: auth, payload: { processing_type: "x" } },
      {
        method: "POST",
        url: "/api/llm/jobs",
        headers: { ...auth, "content-type": "text/plain" },
        payload: "x",
      },
      {
        method: "POST",
        url: "/api/llm/enrich",
        headers: { ...auth, "content-type": "application/json" },
        payload: "{bad",
      },
      { method: "GET", url: "/api/llm/stats?organization_id=nobody" },
      { method: "GET", url: "/api/llm/jobs/unknown" },
      { method: "GET", url: "/nope" },
    ] as const;
    for (const request of requests) {
      const res = await h.app.inject(request as InjectOptions);
      expect(res.statusCode, request.url).toBeGreaterThanOrEqual(400);
      expect(Object.keys(res.json()), request.url).toEqual(["error"]);
      // Only the planted DB password was sent by the client; bodies may name the field,
      // never echo a value.
      expectClean(res.body);
    }
    expectClean(
      h.logs().replaceAll(/"(msg|level|time|pid|hostname|reqId|route|method)":[^,}]*/g, ""),
    );
  });

  it("a provider failure that quotes the key and its URL answers a generic 503", async () => {
    h.fake.script(
      ...Array.from({ length: 4 }, () =>
        fakeStep.httpError(502, {
          message: `upstream ${h.fake.baseUrl} rejected ${SECRETS.openRouterKey}`,
        }),
      ),
    );
    const res = await h.app.inject({
      method: "POST",
      url: "/api/llm/translate",
      headers: auth,
      payload: { text: "A friendly dog who loves the beach and long naps.", target_language: "pt" },
    });
    h.fake.reset();
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBeDefined();
    expectClean(res.body);
    expect(leakedSecrets(h.logs())).toEqual([]);
  });

  describe("with a database that went away", () => {
    // Set up in a hook: a PGlite start on a busy machine can take most of a test's timeout.
    let broken: Harness;
    beforeAll(async () => {
      const database = await createTestDatabase("pglite");
      broken = await startHarness("pglite", { database });
      await database.db.close();
    });
    afterAll(() => broken.close().catch(() => undefined));

    it("a database failure answers 500 with only the request id; the log has the detail", async () => {
      const res = await broken.app.inject({ method: "GET", url: "/api/llm/stats" });
      expect(res.statusCode).toBe(500);
      const requestId = res.headers["x-request-id"] as string;
      expect(res.json()).toEqual({
        error: {
          code: "internal_error",
          message: `Internal error; the server log has the details under request id ${requestId}`,
        },
      });
      expectClean(res.body);
      expect(res.body).not.toMatch(/PGlite|closed/i);
      const logged = broken.logs();
      expect(logged).toContain(requestId);
      expect(logged).toMatch(/PGlite is closed/);
    });
  });
});

describe("mapError", () => {
  it("hides the message, stack and cause of unexpected errors", () => {
    const error = new Error(
      `connect to postgres://u:${SECRETS.dbPassword}@db:5432 failed running SELECT * FROM animals`,
      {
        cause: new Error(SECRETS.apiKey),
      },
    );
    const mapped = mapError(error, "req-1");
    expect(mapped).toMatchObject({ status: 500, code: "internal_error" });
    expectClean(JSON.stringify(mapped));
  });

  it("maps provider and database outages to 503 with Retry-After, in words of its own", () => {
    const provider = mapError(
      new LlmError("auth", `401 from https://openrouter.ai with key ${SECRETS.openRouterKey}`, {
        status: 401,
      }),
      "req-2",
    );
    expect(provider).toMatchObject({
      status: 503,
      code: "provider_unavailable",
      retryAfterSeconds: 30,
    });
    expectClean(JSON.stringify(provider));
    const limited = mapError(
      new LlmError("rate_limited", "slow down", { retryAfterMs: 4500 }),
      "req-3",
    );
    expect(limited).toMatchObject({ status: 503, retryAfterSeconds: 5 });
    const database = mapError(new DatabaseUnavailableError("cannot reach db:5432/rescue"), "req-4");
    expect(database).toMatchObject({
      status: 503,
      code: "database_unavailable",
      retryAfterSeconds: 30,
    });
    expect(database.message).not.toContain("db:5432");
  });

  it("keeps 4xx answers from provider-side content errors out of 503", () => {
    expect(mapError(new LlmError("invalid_response", "bad json"), "r").status).toBe(500);
  });
});
