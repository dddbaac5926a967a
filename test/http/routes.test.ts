// Every route's happy path on PGlite and PostgreSQL, with the fake OpenRouter behind the real
// client, cache, pipeline and in-process job queue.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobStateJson } from "../../src/contract/job-state-json.js";
import { fakeStep } from "../../src/testing/fake-openrouter/fake-scenarios.js";
import { DATABASE_KINDS } from "../support/test-databases.js";
import {
  auth,
  leakedSecrets,
  readListings,
  seedAnimals,
  startHarness,
  type Harness,
} from "./support/api-harness.js";
import { readEventStream } from "./support/read-sse.js";

describe.each(DATABASE_KINDS)("HTTP API on %s", (kind) => {
  let h: Harness;
  let ids: number[];
  let orgId: number;

  beforeAll(async () => {
    h = await startHarness(kind);
    ids = await seedAnimals(h.services.db, "happy-org", readListings(8));
    await seedAnimals(h.services.db, "other-org", readListings(10).slice(8));
    const [org] = await h.services.db.query<{ id: number }>(
      "SELECT id FROM organizations WHERE config_id = 'happy-org'",
    );
    orgId = Number(org!.id);
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = (url: string, payload: object) =>
    h.app.inject({ method: "POST", url, headers: auth, payload });

  it("POST /api/llm/enrich cleans one description, then skips it until forced", async () => {
    const first = await post("/api/llm/enrich", {
      animal_id: ids[0]!,
      processing_type: "description_cleaning",
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ success: true, processed_count: 1, failed_count: 0 });
    const [row] = await h.services.db.query<{
      enriched_description: string | null;
      llm_model_used: string | null;
    }>("SELECT enriched_description, llm_model_used FROM animals WHERE id = $1", [ids[0]]);
    expect(row?.enriched_description).toBeTruthy();
    expect(row?.llm_model_used).not.toBe("openrouter/auto");

    const again = await post("/api/llm/enrich", {
      animal_id: ids[0]!,
      processing_type: "description_cleaning",
    });
    expect(again.json()).toMatchObject({ success: true, processed_count: 0, failed_count: 0 });
    expect(again.json().message).toMatch(/nothing to do/i);

    const forced = await post("/api/llm/enrich", {
      animal_id: ids[0]!,
      processing_type: "description_cleaning",
      force: true,
    });
    expect(forced.json()).toMatchObject({ success: true, processed_count: 1 });
  });

  it("POST /api/llm/enrich writes a dog profile and a translation", async () => {
    const profile = await post("/api/llm/enrich", {
      animal_id: ids[1]!,
      processing_type: "dog_profiler",
    });
    expect(profile.statusCode, profile.body).toBe(200);
    expect(profile.json()).toMatchObject({ success: true, processed_count: 1 });
    const translation = await post("/api/llm/enrich", {
      animal_id: ids[1]!,
      processing_type: "translation",
      target_language: "de",
    });
    expect(translation.json()).toMatchObject({ success: true, processed_count: 1 });
    const [row] = await h.services.db.query<{
      profile: unknown;
      de: string | null;
      es: string | null;
    }>(
      "SELECT dog_profiler_data AS profile, translations->>'de' AS de, translations->>'es' AS es FROM animals WHERE id = $1",
      [ids[1]],
    );
    expect(row?.profile).toBeTruthy();
    expect(row?.de).toBeTruthy();
    expect(row?.es).toBeNull(); // only the language asked for
  });

  it("POST /api/llm/batch-enrich reports every item", async () => {
    const res = await post("/api/llm/batch-enrich", {
      animal_ids: [ids[2]!, ids[3]!, ids[4]!],
      processing_type: "description_cleaning",
      batch_size: 2,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      success: true,
      processed_count: 3,
      failed_count: 0,
      skipped_count: 0,
    });
    expect(body.results.map((r: { animal_id: number }) => r.animal_id).sort()).toEqual(
      [ids[2], ids[3], ids[4]].sort(),
    );
    expect(body.results.every((r: { status: string }) => r.status === "succeeded")).toBe(true);
  });

  it("POST /api/llm/batch-enrich reports a failed item with its reason", async () => {
    // Every answer is unusable: the item fails its checks after one re-ask.
    h.fake.script(...Array.from({ length: 6 }, () => fakeStep.content("<<<not a listing>>>")));
    const res = await post("/api/llm/batch-enrich", {
      animal_ids: [ids[5]!],
      processing_type: "dog_profiler",
    });
    h.fake.reset();
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ success: false, processed_count: 0, failed_count: 1 });
    expect(body.results[0]).toMatchObject({ animal_id: ids[5], status: "failed" });
    expect(body.results[0].reasons.length).toBeGreaterThan(0);
  });

  it("POST /api/llm/translate translates text and names the served model", async () => {
    const text =
      "Bella is a gentle three year old dog who loves long walks and sleeping on the sofa.";
    const res = await post("/api/llm/translate", { text, target_language: "es" });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      source_language: "en",
      target_language: "es",
      model: "openai/gpt-4o-mini",
    });
    expect(body.translated_text.length).toBeGreaterThan(20);
    expect(body.translated_text).not.toBe(text);

    const given = await post("/api/llm/translate", {
      text,
      target_language: "fr",
      source_language: "en",
    });
    expect(given.json()).toMatchObject({ source_language: "en", target_language: "fr" });

    const same = await post("/api/llm/translate", { text, target_language: "en" });
    expect(same.json()).toEqual({
      translated_text: text,
      source_language: "en",
      target_language: "en",
      model: "none",
    });
  });

  it("POST /api/llm/enrich answers 503 when the provider is down, not a 200 failure", async () => {
    h.fake.script(...Array.from({ length: 4 }, () => fakeStep.httpError(503)));
    const res = await post("/api/llm/enrich", {
      animal_id: ids[ids.length - 1]!,
      processing_type: "dog_profiler",
      force: true,
    });
    h.fake.reset();
    expect(res.statusCode, res.body).toBe(503);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(leakedSecrets(res.body)).toEqual([]);
  });

  it("POST /api/llm/translate answers 503 with Retry-After when the provider is down", async () => {
    h.fake.script(...Array.from({ length: 4 }, () => fakeStep.httpError(503)));
    const res = await post("/api/llm/translate", {
      text: "A calm dog who likes other dogs and children.",
      target_language: "it",
    });
    h.fake.reset();
    expect(res.statusCode, res.body).toBe(503);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(res.json().error.code).toBe("provider_unavailable");
    expect(leakedSecrets(res.body)).toEqual([]);
    expect(res.body).not.toContain(h.fake.baseUrl);
  });

  it("GET /api/llm/cache-stats counts hits", async () => {
    const text = "Rex is a loyal dog who enjoys fetch and quiet evenings at home with his people.";
    await post("/api/llm/translate", { text, target_language: "nl" });
    await post("/api/llm/translate", { text, target_language: "nl" });
    const res = await h.app.inject({ method: "GET", url: "/api/llm/cache-stats" });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    expect(Object.keys(stats).sort()).toEqual([
      "hit_rate",
      "hit_rate_percent",
      "hits",
      "max_size",
      "memory_hit_rate",
      "memory_hits",
      "memory_misses",
      "memory_size",
      "misses",
      "size",
      "table_size",
      "total_requests",
    ]);
    // The translate route's second call was this process's memory hit.
    expect(stats.memory_hits).toBeGreaterThanOrEqual(1);
    expect(stats.memory_size).toBeGreaterThanOrEqual(1);
    expect(stats.memory_hit_rate).toBeGreaterThan(0);
    expect(stats.memory_hit_rate).toBeLessThanOrEqual(1);
    // The table is written behind the callers; the SPEC's size is the table's.
    expect(stats.size).toBe(stats.table_size);
  });

  it("GET /api/llm/stats reports coverage overall and per organization", async () => {
    const all = await h.app.inject({ method: "GET", url: "/api/llm/stats" });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({
      total_animals: 10,
      enriched_descriptions: 4,
      dog_profiles: 1,
      with_translations: 1,
    });
    expect(all.json().enrichment_coverage).toBe(40);

    for (const filter of ["happy-org", String(orgId)]) {
      const one = await h.app.inject({
        method: "GET",
        url: `/api/llm/stats?organization_id=${filter}`,
      });
      expect(one.json()).toMatchObject({
        total_animals: 8,
        enriched_descriptions: 4,
        enrichment_coverage: 50,
        profile_coverage: 12.5,
      });
    }
  });

  it("GET /api/health/llm reports config and a reachable provider without secrets", async () => {
    const res = await h.app.inject({ method: "GET", url: "/api/health/llm" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe("ok");
    expect(body.config).toMatchObject({
      valid: true,
      api_key_configured: true,
      api_keys_configured: true,
    });
    expect(body.provider).toMatchObject({ reachable: true, status_code: 200, error: null });
    expect(leakedSecrets(res.body)).toEqual([]);
  });

  it("POST /api/llm/jobs runs a job; GET shows it; the event stream ends on its terminal state", async () => {
    const created = await post("/api/llm/jobs", {
      processing_type: "description_cleaning",
      organization_id: "happy-org",
    });
    expect(created.statusCode, created.body).toBe(202);
    const { id, status_url, events_url } = created.json();
    expect(created.headers.location).toBe(status_url);

    const address = await h.app.listen({ host: "127.0.0.1", port: 0 });
    const stream = await readEventStream(`${address}${events_url}`);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const states = stream.events.map((e) => JSON.parse(e.data) as JobStateJson);
    expect(states.length).toBeGreaterThanOrEqual(1);
    expect(stream.events.at(-1)?.event).toBe("end");
    expect(stream.events.slice(0, -1).every((e) => e.event === "state")).toBe(true);
    const last = states.at(-1)!;
    expect(last).toMatchObject({ id, state: "completed", failed: 0 });
    // 4 of the 8 were already clean: the job does the other 4.
    expect(last.succeeded).toBe(4);
    // Progress only moves forward.
    const done = states.map((s) => s.done);
    expect([...done].sort((a, b) => a - b)).toEqual(done);

    const got = await h.app.inject({ method: "GET", url: status_url });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({
      id,
      state: "completed",
      succeeded: 4,
      processing_type: "description_cleaning",
    });

    // A finished job's stream sends its state once and ends.
    const replay = await readEventStream(`${address}${events_url}`);
    expect(replay.events.map((e) => e.event)).toEqual(["end"]);

    // The organization by its numeric id names the same work: the same job.
    for (const organization_id of [orgId, String(orgId)]) {
      const byId = await post("/api/llm/jobs", {
        processing_type: "description_cleaning",
        organization_id,
      });
      expect(byId.statusCode, byId.body).toBe(202);
      expect(byId.json().id).toBe(id);
    }
  });

  it("GET /metrics exposes LLM, cache and HTTP metrics", async () => {
    const res = await h.app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    for (const name of [
      "rescue_llm_llm_calls_total",
      "rescue_llm_llm_failures_total",
      "rescue_llm_llm_call_duration_seconds_bucket",
      "rescue_llm_llm_tokens_total",
      "rescue_llm_llm_cost_usd_total",
      "rescue_llm_cache_lookups_total",
      "rescue_llm_http_request_duration_seconds_bucket",
    ]) {
      expect(res.body, name).toContain(name);
    }
    expect(res.body).toMatch(
      /rescue_llm_llm_calls_total\{model="openai\/gpt-4o-mini",outcome="success"\} [1-9]/,
    );
    expect(res.body).toMatch(
      /rescue_llm_llm_failures_total\{category="provider_unavailable"\} [1-9]/,
    );
  });
});
