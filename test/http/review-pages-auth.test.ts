// Staff sign-in, the session cookie, CSRF on every form post, the CSP and the development
// rule of the review pages (through inject; the browser test drives a real Chromium).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { buildApp } from "../../src/http/build-app.js";
import { createCookieJar, csrfTokenOf } from "./support/cookie-jar.js";
import {
  baseEnv,
  leakedSecrets,
  readListings,
  SECRETS,
  seedAnimals,
  startHarness,
  type Harness,
} from "./support/api-harness.js";
import { runRequest } from "../support/pipeline-fixture.js";

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };

describe("review pages: sign-in and safety", () => {
  let h: Harness;
  let id: number;

  beforeAll(async () => {
    h = await startHarness("pglite", {
      env: { REVIEW_MODE: "required", API_KEYS: `alice:${SECRETS.apiKey},${SECRETS.otherApiKey}` },
    });
    [id] = (await seedAnimals(h.services.db, "pages-org", readListings(2))) as [number];
    await runRequest(h.services, { processingType: "description_cleaning" });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function signIn(key: string) {
    const jar = createCookieJar();
    const page = await h.app.inject({ url: "/review/sign-in?next=/review" });
    jar.take(page);
    const res = await h.app.inject({
      method: "POST",
      url: "/review/sign-in",
      headers: { ...FORM, cookie: jar.header() },
      payload: form({
        _csrf: csrfTokenOf(page.body),
        api_key: key,
        next: "/review?state=approved",
      }),
    });
    jar.take(res);
    return { jar, res };
  }

  it("sends a visitor without a session to sign in, and back afterwards", async () => {
    const res = await h.app.inject({ url: "/review?state=failed" });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/review/sign-in?next=%2Freview%3Fstate%3Dfailed");
    const { jar, res: signedIn } = await signIn(SECRETS.apiKey);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe("/review?state=approved");
    const session = signedIn.cookies.find((c) => c.name === "rescue_llm_staff");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/review" });
    expect(session?.secure).toBeUndefined();
    expect(session?.value).not.toContain(SECRETS.apiKey);
    const queue = await h.app.inject({ url: "/review", headers: { cookie: jar.header() } });
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain("Signed in as <strong>alice</strong>");
    expect(leakedSecrets(queue.body + JSON.stringify(queue.headers))).toEqual([]);
  });

  it("refuses a wrong key and sets Secure behind HTTPS", async () => {
    const { res } = await signIn("not-a-key");
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain("not one of the configured API keys");
    expect(res.cookies.some((c) => c.name === "rescue_llm_staff")).toBe(false);
    const proxied = await startHarness("pglite", {
      database: h.database,
      app: { trustProxy: true },
      env: { API_KEYS: SECRETS.apiKey },
    });
    try {
      const page = await proxied.app.inject({
        url: "/review/sign-in",
        headers: { "x-forwarded-proto": "https" },
      });
      expect(page.cookies.find((c) => c.name === "rescue_llm_csrf")?.secure).toBe(true);
    } finally {
      await proxied.close();
    }
  });

  it("rejects every form post without the CSRF token, and serves pages under a strict CSP", async () => {
    const { jar } = await signIn(SECRETS.apiKey);
    const noToken = await h.app.inject({
      method: "POST",
      url: `/review/animals/${id}/actions`,
      headers: { ...FORM, cookie: jar.header() },
      payload: form({ processing_type: "description_cleaning", action: "approve" }),
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.headers["content-type"]).toMatch(/text\/html/);
    const forged = await h.app.inject({
      method: "POST",
      url: "/review/sign-out",
      headers: { ...FORM, cookie: jar.header() },
      payload: form({ _csrf: "forged" }),
    });
    expect(forged.statusCode).toBe(403);
    const [row] = await h.services.db.query<{ review_state: string }>(
      "SELECT review_state FROM llm_enrichments WHERE animal_id = $1",
      [id],
    );
    expect(row?.review_state).toBe("to_review");

    const page = await h.app.inject({
      url: `/review/animals/${id}`,
      headers: { cookie: jar.header() },
    });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers["cache-control"]).toBe("no-store");
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.body).not.toMatch(/\sstyle=|<style/);
    const approve = await h.app.inject({
      method: "POST",
      url: `/review/animals/${id}/actions`,
      headers: { ...FORM, cookie: jar.header() },
      payload: form({
        _csrf: csrfTokenOf(page.body),
        processing_type: "description_cleaning",
        target_language: "",
        action: "approve",
      }),
    });
    expect(approve.statusCode, approve.body).toBe(303);
    const [audit] = await h.services.db.query<{ actor: string; via: string }>(
      "SELECT actor, via FROM llm_review_actions ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toEqual({ actor: "alice", via: "page" });

    const out = await h.app.inject({
      method: "POST",
      url: "/review/sign-out",
      headers: { ...FORM, cookie: jar.header() },
      payload: form({ _csrf: csrfTokenOf(page.body) }),
    });
    jar.take(out);
    expect(out.statusCode).toBe(303);
    expect(
      (await h.app.inject({ url: "/review", headers: { cookie: jar.header() } })).statusCode,
    ).toBe(303);
  });

  it("reruns one result for a dog from its page, and shows an edit's problems with the text kept", async () => {
    const { jar } = await signIn(SECRETS.apiKey);
    const page = await h.app.inject({
      url: `/review/animals/${id}`,
      headers: { cookie: jar.header() },
    });
    const post = (fields: Record<string, string>) =>
      h.app.inject({
        method: "POST",
        url: `/review/animals/${id}/actions`,
        headers: { ...FORM, cookie: jar.header() },
        payload: form({ _csrf: csrfTokenOf(page.body), ...fields }),
      });
    const rerun = await post({
      processing_type: "dog_profiler",
      target_language: "",
      action: "rerun",
    });
    expect(rerun.statusCode, rerun.body).toBe(303);
    expect(rerun.headers.location).toContain("notice=rerun_");
    const [audit] = await h.services.db.query<{ action: string; details: { status: string } }>(
      "SELECT action, details FROM llm_review_actions ORDER BY id DESC LIMIT 1",
    );
    expect(audit?.action).toBe("rerun");
    expect(["succeeded", "skipped", "failed"]).toContain(audit?.details.status);
    const bad = await post({
      processing_type: "dog_profiler",
      target_language: "",
      action: "edit",
      tagline: 'Short "sweet" <b>',
      bio: "One sentence only.",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('role="alert"');
    expect(bad.body).toContain("profile.");
    // What was typed is still there, and cannot end its attribute.
    expect(bad.body).toContain('value="Short &#34;sweet&#34; <b>"');
  });

  it("ends a session when its key leaves API_KEYS", async () => {
    const { jar } = await signIn(SECRETS.apiKey);
    const rotated = await buildApp(
      { ...h.services, config: loadConfig(baseEnv(h.fake, { API_KEYS: SECRETS.otherApiKey })) },
      { rateLimit: false },
    );
    try {
      const res = await rotated.inject({ url: "/review", headers: { cookie: jar.header() } });
      expect(res.statusCode).toBe(303);
    } finally {
      await rotated.close();
    }
  });

  it("development without API_KEYS serves the pages openly with a warning; production refuses", async () => {
    const open = await buildApp(
      {
        ...h.services,
        config: loadConfig({ ...baseEnv(h.fake), ENVIRONMENT: "development", API_KEYS: "" }),
      },
      { rateLimit: false },
    );
    try {
      const res = await open.inject({ url: "/review" });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain("Development mode without API_KEYS");
    } finally {
      await open.close();
    }
    await expect(
      buildApp(
        {
          ...h.services,
          config: loadConfig({ ...baseEnv(h.fake), ENVIRONMENT: "production", API_KEYS: "" }),
        },
        { rateLimit: false },
      ),
    ).rejects.toMatchObject({ code: "config_invalid" });
  });
});
