// A job's final state says how it went: `completed`, `completed_with_failures` when some items
// failed, `failed` when every attempted item did — through the HTTP job routes, on both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobStateJson } from "../../src/contract/job-state-json.js";
import { answerLikeAModel } from "../../src/testing/fake-model-answers.js";
import { DATABASE_KINDS } from "../support/test-databases.js";
import { waitFor } from "../support/wait-for.js";
import {
  auth,
  readListings,
  seedAnimals,
  startHarness,
  type Harness,
} from "./support/api-harness.js";

/** Planted in a description: the fake answers such a listing with output every guard rejects. */
const MARKER = "Zebra-marker-7731";

describe.each(DATABASE_KINDS)("job final states on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, {
      fake: {
        responder: (request) =>
          request.messages.some((m) => m.content.includes(MARKER))
            ? "Call 555-0100 or visit https://example.com now!"
            : answerLikeAModel(request),
      },
    });
    const listings = readListings(6);
    const marked = (l: (typeof listings)[number]) => ({
      ...l,
      description: `${l.description} ${MARKER}`,
    });
    await seedAnimals(h.services.db, "all-good-org", listings.slice(0, 2));
    await seedAnimals(h.services.db, "some-bad-org", [listings[0]!, marked(listings[3]!)]);
    await seedAnimals(h.services.db, "all-bad-org", listings.slice(4, 6).map(marked));
  });
  afterAll(async () => {
    await h?.close();
  });

  const finish = async (organization: string): Promise<JobStateJson> => {
    const created = await h.app.inject({
      method: "POST",
      url: "/api/llm/jobs",
      headers: auth,
      payload: { processing_type: "description_cleaning", organization_id: organization },
    });
    expect(created.statusCode, created.body).toBe(202);
    const { status_url: url } = created.json<{ status_url: string }>();
    return waitFor(async () => {
      const job = (await h.app.inject({ method: "GET", url })).json<JobStateJson>();
      return ["queued", "running"].includes(job.state) ? undefined : job;
    });
  };

  it.each([
    ["all-good-org", "completed", { succeeded: 2, failed: 0 }],
    ["some-bad-org", "completed_with_failures", { succeeded: 1, failed: 1 }],
    ["all-bad-org", "failed", { succeeded: 0, failed: 2 }],
  ] as const)("%s ends %s", async (organization, state, counts) => {
    const job = await finish(organization);
    expect(job).toMatchObject({ state, ...counts, failed_chunks: [] });
  });

  it("GET /api/llm/stats shows the outcomes per type, failures by reason", async () => {
    const res = await h.app.inject({
      method: "GET",
      url: "/api/llm/stats?organization_id=some-bad-org",
    });
    expect(res.statusCode, res.body).toBe(200);
    const stats = res.json();
    expect(stats).toMatchObject({
      total_animals: 2,
      enriched_descriptions: 1,
      by_type: { description_cleaning: { succeeded: 1, failed: 1, skipped: 0, stale: 0 } },
      by_language: {},
    });
    const reasons = stats.by_type.description_cleaning.failed_by_reason;
    expect(Object.values(reasons)).toEqual([1]);
  });
});
