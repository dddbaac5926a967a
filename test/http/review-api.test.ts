// The review API on PGlite and PostgreSQL: published results with provenance, the queue as
// JSON with filters, counts and keyset pages, and approve / reject / edit with audit rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../support/test-databases.js";
import {
  auth,
  leakedSecrets,
  readListings,
  SECRETS,
  seedAnimals,
  startHarness,
  type Harness,
} from "./support/api-harness.js";
import { runRequest } from "../support/pipeline-fixture.js";

describe.each(DATABASE_KINDS)("review API on %s", (kind) => {
  let h: Harness;
  let ids: number[];

  beforeAll(async () => {
    h = await startHarness(kind, {
      env: { REVIEW_MODE: "required", API_KEYS: `alice:${SECRETS.apiKey},${SECRETS.otherApiKey}` },
    });
    ids = await seedAnimals(h.services.db, "review-org", readListings(6));
    await seedAnimals(h.services.db, "other-org", readListings(8).slice(6));
    await runRequest(h.services, { processingType: "description_cleaning" });
    await runRequest(h.services, { processingType: "dog_profiler" });
  });
  afterAll(async () => {
    await h?.close();
  });

  const review = (query = "") =>
    h.app.inject({ method: "GET", url: `/api/llm/review${query}`, headers: auth });
  const act = (id: number, payload: object, headers: Record<string, string> = auth) =>
    h.app.inject({ method: "POST", url: `/api/llm/review/${id}`, headers, payload });

  it("GET /api/llm/review needs a key and lists the queue with counts per state", async () => {
    expect((await h.app.inject({ url: "/api/llm/review" })).statusCode).toBe(401);
    const res = await review("?limit=5");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.counts).toMatchObject({ to_review: 16, approved: 0, rejected: 0 });
    expect(body.items).toHaveLength(5);
    expect(body.items[0]).toMatchObject({
      animal_id: ids[0],
      processing_type: "description_cleaning",
      review_state: "to_review",
      published: false,
    });
    expect(body.prev_cursor).toBeNull();
    // Keyset pages cover every item once, forwards and back.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        items: { animal_id: number; processing_type: string }[];
        next_cursor: string | null;
      } = (await review(`?limit=5${cursor ? `&after=${cursor}` : ""}`)).json();
      for (const item of page.items) seen.push(`${item.animal_id}:${item.processing_type}`);
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(16);
    expect(new Set(seen).size).toBe(16);
    const second = (await review(`?limit=5&after=${body.next_cursor}`)).json();
    const back = (await review(`?limit=5&before=${second.prev_cursor}`)).json();
    expect(back.items).toEqual(body.items);
  });

  it("filters by organization, type and name or external-id prefix, and names bad input", async () => {
    const org = (await review("?organization_id=review-org&processing_type=dog_profiler")).json();
    expect(org.items.every((i: { animal_id: number }) => ids.includes(i.animal_id))).toBe(true);
    expect(
      org.items.every((i: { processing_type: string }) => i.processing_type === "dog_profiler"),
    ).toBe(true);
    expect(org.counts.to_review).toBe(6);
    const [first] = await h.services.db.query<{ name: string }>(
      "SELECT name FROM animals WHERE id = $1",
      [ids[0]],
    );
    const byName = (
      await review(`?q=${encodeURIComponent(first!.name.slice(0, 3).toUpperCase())}`)
    ).json();
    expect(byName.items.some((i: { animal_id: number }) => i.animal_id === ids[0])).toBe(true);
    expect(byName.counts.to_review).toBe(byName.items.length);
    const byExternal = (await review("?q=other-org-")).json();
    expect(byExternal.items).toHaveLength(4);
    const bad = await review("?after=nonsense");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe("after");
    expect((await review("?state=maybe")).json().error.field).toBe("state");
    expect((await review("?organization_id=nobody")).statusCode).toBe(404);
    // A LIKE wildcard is a literal, not a match-all.
    expect((await review("?q=%25")).json().items).toHaveLength(0);
  });

  it("approve publishes, reject needs a reason, edits are checked; the audit names the key's label", async () => {
    const id = ids[1]!;
    const unknown = await act(id, { processing_type: "translation", action: "approve" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.field).toBe("target_language");
    expect(
      (await act(999_999, { processing_type: "dog_profiler", action: "approve" })).statusCode,
    ).toBe(404);
    expect(
      (await act(id, { processing_type: "dog_profiler", action: "approve" }, {})).statusCode,
    ).toBe(401);

    const approved = await act(id, { processing_type: "description_cleaning", action: "approve" });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      review_state: "approved",
      published: true,
      findings: [],
    });

    const noReason = await act(id, { processing_type: "dog_profiler", action: "reject" });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.field).toBe("reason");
    const rejected = await act(id, {
      processing_type: "dog_profiler",
      action: "reject",
      reason: "too salesy",
    });
    expect(rejected.json()).toMatchObject({ review_state: "rejected", published: false });

    const badProfile = await act(id, {
      processing_type: "dog_profiler",
      action: "edit",
      profile: { tagline: "x" },
    });
    expect(badProfile.statusCode).toBe(400);
    expect(badProfile.json().error.field).toMatch(/^profile\./);

    const edit = await act(id, {
      processing_type: "description_cleaning",
      action: "edit",
      text: "A lovely dog. Email us at adopt@example.org!",
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json().review_state).toBe("to_review");
    expect(edit.json().published).toBe(false);
    expect(edit.json().findings.length).toBeGreaterThan(0);

    const actors = await h.services.db.query<{ action: string; actor: string; via: string }>(
      "SELECT action, actor, via FROM llm_review_actions WHERE animal_id = $1 ORDER BY id",
      [id],
    );
    expect(actors).toEqual([
      { action: "approve", actor: "alice", via: "api" },
      { action: "reject", actor: "alice", via: "api" },
      { action: "edit", actor: "alice", via: "api" },
    ]);
    // The other key has no label: a fingerprint stands in, never the key.
    await act(
      id,
      { processing_type: "description_cleaning", action: "approve" },
      {
        authorization: `Bearer ${SECRETS.otherApiKey}`,
      },
    );
    const [last] = await h.services.db.query<{ actor: string }>(
      "SELECT actor FROM llm_review_actions ORDER BY id DESC LIMIT 1",
    );
    expect(last?.actor).toMatch(/^key-[0-9a-f]{8}$/);
    expect(
      leakedSecrets(JSON.stringify(await h.services.db.query("SELECT * FROM llm_review_actions"))),
    ).toEqual([]);
  });

  it("GET /api/animals/:id/enrichment shows published values with provenance and review state", async () => {
    const id = ids[2]!;
    const before = await h.app.inject({ url: `/api/animals/${id}/enrichment` });
    expect(before.statusCode).toBe(200);
    const cleaning = () =>
      before
        .json()
        .results.find(
          (r: { processing_type: string }) => r.processing_type === "description_cleaning",
        );
    expect(cleaning()).toMatchObject({
      published: false,
      value: null,
      pending_review: true,
      review_state: "to_review",
    });
    await act(id, { processing_type: "description_cleaning", action: "approve" });
    const after = (await h.app.inject({ url: `/api/animals/${id}/enrichment` })).json();
    expect(after.review_mode).toBe("required");
    const result = after.results.find(
      (r: { processing_type: string }) => r.processing_type === "description_cleaning",
    );
    expect(result).toMatchObject({
      published: true,
      origin: "pipeline",
      review_state: "approved",
      reviewed_by: "alice",
      published_by: "alice",
      pending_review: false,
      stale: false,
    });
    expect(typeof result.value).toBe("string");
    expect(result.model).toBeTruthy();
    expect(result.prompt_version).toMatch(/description_cleaning/);
    expect(result.source_hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await h.app.inject({ url: "/api/animals/0/enrichment" })).statusCode).toBe(400);
    expect((await h.app.inject({ url: "/api/animals/424242/enrichment" })).statusCode).toBe(404);
  });

  it("documents the review routes in the OpenAPI document", async () => {
    const doc = (await h.app.inject({ url: "/openapi.json" })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/animals/{id}/enrichment",
        "/api/llm/review",
        "/api/llm/review/{animal_id}",
      ]),
    );
    expect(Object.keys(doc.paths).some((p: string) => p.startsWith("/review"))).toBe(false);
  });
});
