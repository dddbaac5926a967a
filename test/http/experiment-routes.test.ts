// GET /api/llm/experiments[/:id] and the review app's experiment pages, on real parts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExperiment, startExperiment } from "../../src/db/experiment-store.js";
import { planExperiment } from "../../src/enrichment/experiments/experiment-plan.js";
import { DOG_PROFILER_INSTRUCTIONS } from "../../src/enrichment/prompts/dog-profiler-prompt.js";
import { runRequest } from "../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../support/test-databases.js";
import { createCookieJar, csrfTokenOf } from "./support/cookie-jar.js";
import {
  leakedSecrets,
  readListings,
  SECRETS,
  seedAnimals,
  startHarness,
  type Harness,
} from "./support/api-harness.js";

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };

describe.each(DATABASE_KINDS)("experiment routes on %s", (kind) => {
  let h: Harness;
  let experimentId: number;

  beforeAll(async () => {
    h = await startHarness(kind);
    await seedAnimals(h.services.db, "exp-org", readListings(24));
    const arms = planExperiment({
      name: "careless <model>",
      processingType: "dog_profiler",
      organizationId: null,
      arms: [
        { name: "control", variant: null, sourceFile: null },
        {
          name: "careless",
          variant: {
            instructions: DOG_PROFILER_INSTRUCTIONS.join("\n"),
            temperature: null,
            model: "fake/careless-profiler",
          },
          sourceFile: "prompts/dog-profiler-careless-model.txt",
        },
      ],
      split: [50, 50],
    });
    const created = await createExperiment(h.services.db, {
      name: "careless <model>",
      processingType: "dog_profiler",
      organizationId: null,
      arms,
    });
    experimentId = (await startExperiment(h.services.db, created.id)).id;
    await runRequest(h.services, { processingType: "dog_profiler" });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("answers the report with arms, metrics, intervals and the verdict", async () => {
    const res = await h.app.inject({ url: `/api/llm/experiments/${experimentId}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: experimentId,
      status: "running",
      processing_type: "dog_profiler",
      primary_metric: "final_success_rate",
      arms: [
        {
          name: "control",
          share_percent: 50,
          prompt_version: `dog_profiler@e${experimentId}.control`,
        },
        { name: "careless", model: "fake/careless-profiler" },
      ],
    });
    const firstPass = body.comparisons[0].metrics.first_answer_pass_rate;
    expect(firstPass.difference).toBeLessThan(0);
    expect(firstPass.ci_low).toBeLessThan(firstPass.ci_high);
    expect(body.results[0].metrics.final_success_rate.ci_low).toBeGreaterThanOrEqual(0);
    expect(body.verdict).toMatch(/careless/);

    const list = await h.app.inject({ url: "/api/llm/experiments" });
    expect(list.json()).toHaveLength(1);
  });

  it("answers 404 for an unknown experiment and 400 for a bad id", async () => {
    const missing = await h.app.inject({ url: "/api/llm/experiments/999" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBeTruthy();
    const bad = await h.app.inject({ url: "/api/llm/experiments/abc" });
    expect(bad.statusCode).toBe(400);
  });

  it("shows the report page with its chart to signed-in staff, escaped, under the CSP", async () => {
    const anonymous = await h.app.inject({ url: `/review/experiments/${experimentId}` });
    expect(anonymous.statusCode).toBe(303);
    const jar = createCookieJar();
    const signInPage = await h.app.inject({ url: "/review/sign-in" });
    jar.take(signInPage);
    const signedIn = await h.app.inject({
      method: "POST",
      url: "/review/sign-in",
      headers: { ...FORM, cookie: jar.header() },
      payload: form({
        _csrf: csrfTokenOf(signInPage.body),
        api_key: SECRETS.apiKey,
        next: "/review",
      }),
    });
    jar.take(signedIn);
    const page = await h.app.inject({
      url: `/review/experiments/${experimentId}`,
      headers: { cookie: jar.header() },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.body).toContain('<svg class="experiment-chart"');
    expect(page.body).toContain("careless &lt;model>");
    expect(page.body).not.toContain("careless <model>");
    expect(page.body).toContain("first-answer guard pass");
    expect(page.body).not.toMatch(/<script>|style="/);
    expect(leakedSecrets(page.body)).toEqual([]);
    const list = await h.app.inject({
      url: "/review/experiments",
      headers: { cookie: jar.header() },
    });
    expect(list.body).toContain(`href="/review/experiments/${experimentId}"`);
  });
});
