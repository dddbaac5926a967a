// POST /api/llm/jobs with "mode": "batch": the job's items go through the fake's Batch API.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../support/test-databases.js";
import { waitFor } from "../support/wait-for.js";
import {
  readListings,
  SECRETS,
  seedAnimals,
  startHarness,
  type Harness,
} from "./support/api-harness.js";

describe.each(DATABASE_KINDS)("batch jobs on %s", (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind, {
      env: { LLM_DEFAULT_MODEL: "openai/gpt-4o-mini", LLM_BATCH_API_POLL_SECONDS: "0.02" },
      fake: { batch: { turnaroundMs: 60 } },
    });
    await seedAnimals(h.database.db, "batch-org", readListings(5));
  });
  afterEach(async () => {
    await h.close();
  });

  const post = (payload: Record<string, unknown>) =>
    h.app.inject({
      method: "POST",
      url: "/api/llm/jobs",
      headers: { authorization: `Bearer ${SECRETS.apiKey}` },
      payload,
    });

  it('"mode": "batch" sends the job through the Batch API, one submission, no sync call', async () => {
    const created = await post({
      processing_type: "description_cleaning",
      organization_id: "batch-org",
      mode: "batch",
    });
    expect(created.statusCode, created.body).toBe(202);
    const { status_url } = created.json();
    const state = await waitFor(async () => {
      const res = await h.app.inject({ method: "GET", url: status_url });
      const body = res.json();
      return body.state === "completed" ? body : undefined;
    });
    expect(state).toMatchObject({ succeeded: 5, failed: 0 });
    expect(h.fake.stats.batchSubmissions).toBe(1);
    expect(h.fake.stats.completions).toBe(0);
  });

  it('refuses an unknown "mode" naming the field', async () => {
    const res = await post({ processing_type: "description_cleaning", mode: "overnight" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/mode/);
  });
});
