// API keys on every POST route, feature flags, rate limit, security headers, CORS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/build-app.js";
import { ConfigError } from "../../src/errors.js";
import { loadConfig } from "../../src/config.js";
import {
  baseEnv,
  leakedSecrets,
  SECRETS,
  startHarness,
  type Harness,
} from "./support/api-harness.js";

const POST_ROUTES = [
  "/api/llm/enrich",
  "/api/llm/batch-enrich",
  "/api/llm/translate",
  "/api/llm/jobs",
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness("pglite");
});
afterAll(async () => {
  await h.close();
});

describe("API keys", () => {
  it.each(POST_ROUTES)(
    "%s refuses a request without a key (401, before reading the body)",
    async (url) => {
      const res = await h.app.inject({ method: "POST", url, payload: { anything: true } });
      expect(res.statusCode).toBe(401);
      expect(res.headers["www-authenticate"]).toBe("Bearer");
      expect(res.json().error.code).toBe("unauthorized");
    },
  );

  it.each(POST_ROUTES)("%s refuses a wrong key, a key prefix and an empty bearer", async (url) => {
    for (const headers of [
      { authorization: "Bearer wrong-key" },
      { authorization: `Bearer ${SECRETS.apiKey.slice(0, -1)}` },
      { authorization: `Bearer ${SECRETS.apiKey}x` },
      { authorization: "Bearer " },
      { authorization: SECRETS.apiKey }, // no scheme
      { "x-api-key": "wrong-key" },
    ]) {
      const res = await h.app.inject({ method: "POST", url, headers, payload: {} });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
    }
  });

  it.each(POST_ROUTES)("%s accepts any configured key as Bearer or X-API-Key", async (url) => {
    for (const headers of [
      { authorization: `Bearer ${SECRETS.apiKey}` },
      { authorization: `bearer ${SECRETS.otherApiKey}` },
      { "x-api-key": SECRETS.apiKey },
    ]) {
      // Past the key check, the empty body is what gets rejected.
      const res = await h.app.inject({ method: "POST", url, headers, payload: {} });
      expect(res.statusCode, JSON.stringify(headers)).toBe(400);
    }
  });

  it("GET routes need no key", async () => {
    for (const url of ["/api/llm/stats", "/api/llm/cache-stats", "/openapi.json"]) {
      expect((await h.app.inject({ method: "GET", url })).statusCode, url).toBe(200);
    }
  });

  it("never logs the presented key", async () => {
    await h.app.inject({
      method: "POST",
      url: "/api/llm/enrich",
      headers: { "x-api-key": SECRETS.apiKey },
      payload: {},
    });
    await h.app.inject({
      method: "POST",
      url: "/api/llm/enrich",
      headers: { authorization: `Bearer ${SECRETS.otherApiKey}` },
      payload: {},
    });
    expect(h.logs()).toContain("request done");
    expect(leakedSecrets(h.logs())).toEqual([]);
  });

  it("production refuses to build the app without API_KEYS", async () => {
    const config = loadConfig({
      ...baseEnv(h.fake, { ENVIRONMENT: "production" }),
      API_KEYS: undefined,
    });
    await expect(buildApp({ ...h.services, config })).rejects.toBeInstanceOf(ConfigError);
  });

  it("development without API_KEYS leaves POST routes open; test without keys does not", async () => {
    const dev = await startHarness("pglite", {
      env: { ENVIRONMENT: "development", API_KEYS: undefined },
      database: h.database,
    });
    const test = await startHarness("pglite", {
      env: { API_KEYS: undefined },
      database: h.database,
    });
    try {
      const open = await dev.app.inject({ method: "POST", url: "/api/llm/enrich", payload: {} });
      expect(open.statusCode).toBe(400);
      const closed = await test.app.inject({ method: "POST", url: "/api/llm/enrich", payload: {} });
      expect(closed.statusCode).toBe(401);
    } finally {
      await test.close();
      await dev.close();
    }
  });
});

describe("feature flags", () => {
  it("answers 403 feature_disabled for a disabled processing type or metrics", async () => {
    const off = await startHarness("pglite", {
      env: {
        LLM_FEATURE_DOG_PROFILER: "false",
        LLM_FEATURE_TRANSLATION: "false",
        LLM_FEATURE_METRICS: "false",
      },
      database: h.database,
    });
    try {
      const headers = { authorization: `Bearer ${SECRETS.apiKey}` };
      const cases = [
        { url: "/api/llm/enrich", payload: { animal_id: 1, processing_type: "dog_profiler" } },
        {
          url: "/api/llm/batch-enrich",
          payload: { animal_ids: [1], processing_type: "translation" },
        },
        { url: "/api/llm/translate", payload: { text: "Hello there", target_language: "de" } },
        { url: "/api/llm/jobs", payload: { processing_type: "dog_profiler" } },
      ];
      for (const { url, payload } of cases) {
        const res = await off.app.inject({ method: "POST", url, headers, payload });
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error.code).toBe("feature_disabled");
        expect(res.json().error.message).toMatch(/LLM_FEATURE_(DOG_PROFILER|TRANSLATION)/);
      }
      const metrics = await off.app.inject({ method: "GET", url: "/metrics" });
      expect(metrics.statusCode).toBe(403);
      expect(metrics.json().error.code).toBe("feature_disabled");
      expect(off.fake.stats.completions).toBe(0);
    } finally {
      await off.close();
    }
  });
});

describe("rate limit, security headers, CORS", () => {
  it("answers 429 with Retry-After once a client spends its budget; POST routes have a smaller one", async () => {
    const limited = await startHarness("pglite", {
      app: { rateLimit: { max: 3, postMax: 1, timeWindowMs: 60_000 } },
      database: h.database,
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push(
          (await limited.app.inject({ method: "GET", url: "/api/llm/cache-stats" })).statusCode,
        );
      expect(statuses).toEqual([200, 200, 200, 429]);
      const res = await limited.app.inject({ method: "GET", url: "/api/llm/cache-stats" });
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect(res.json().error.code).toBe("rate_limited");

      const headers = { authorization: `Bearer ${SECRETS.apiKey}` };
      const first = await limited.app.inject({
        method: "POST",
        url: "/api/llm/translate",
        headers,
        payload: {},
      });
      const second = await limited.app.inject({
        method: "POST",
        url: "/api/llm/translate",
        headers,
        payload: {},
      });
      expect([first.statusCode, second.statusCode]).toEqual([400, 429]);
    } finally {
      await limited.close();
    }
  });

  it("sends security headers and a request id on every response", async () => {
    const res = await h.app.inject({ method: "GET", url: "/api/llm/cache-stats" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBeDefined();
    expect(res.headers["strict-transport-security"]).toBeDefined();
    expect(res.headers["content-security-policy"]).toBeDefined();
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("has CORS off unless CORS_ORIGINS is set, then allows only those origins", async () => {
    const plain = await h.app.inject({
      method: "GET",
      url: "/api/llm/stats",
      headers: { origin: "https://site.example" },
    });
    expect(plain.headers["access-control-allow-origin"]).toBeUndefined();

    const cors = await startHarness("pglite", {
      env: { CORS_ORIGINS: "https://site.example" },
      database: h.database,
    });
    try {
      const allowed = await cors.app.inject({
        method: "GET",
        url: "/api/llm/stats",
        headers: { origin: "https://site.example" },
      });
      expect(allowed.headers["access-control-allow-origin"]).toBe("https://site.example");
      const other = await cors.app.inject({
        method: "GET",
        url: "/api/llm/stats",
        headers: { origin: "https://evil.example" },
      });
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
      const preflight = await cors.app.inject({
        method: "OPTIONS",
        url: "/api/llm/enrich",
        headers: {
          origin: "https://site.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type",
        },
      });
      expect(preflight.statusCode).toBe(204);
      expect(String(preflight.headers["access-control-allow-headers"])).toContain("authorization");
    } finally {
      await cors.close();
    }
  });
});
