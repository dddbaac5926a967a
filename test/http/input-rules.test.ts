// Every input rule of issue 5: each rejection is 400-class and names the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auth,
  readListings,
  seedAnimals,
  startHarness,
  type Harness,
} from "./support/api-harness.js";

let h: Harness;
let animalId: number;

beforeAll(async () => {
  h = await startHarness("pglite");
  [animalId] = (await seedAnimals(h.services.db, "rules-org", readListings(1))) as [number];
});
afterAll(async () => {
  await h.close();
});

async function post(url: string, payload: unknown) {
  const res = await h.app.inject({
    method: "POST",
    url,
    headers: auth,
    payload: payload as object,
  });
  return {
    status: res.statusCode,
    body: res.json<{ error: { code: string; message: string; field?: string } }>(),
  };
}

async function expectRejected(url: string, payload: unknown, field: string) {
  const { status, body } = await post(url, payload);
  expect({ status, code: body.error.code, field: body.error.field }).toEqual({
    status: 400,
    code: "invalid_input",
    field,
  });
  expect(body.error.message).toContain(field);
}

const enrich = (extra: Record<string, unknown>) => ({
  animal_id: 1,
  processing_type: "description_cleaning",
  ...extra,
});
const batch = (extra: Record<string, unknown>) => ({
  animal_ids: [1],
  processing_type: "description_cleaning",
  ...extra,
});
const translate = (extra: Record<string, unknown>) => ({
  text: "Hello",
  target_language: "es",
  ...extra,
});

describe("POST /api/llm/enrich input", () => {
  it.each([
    ["missing", undefined],
    ["zero", 0],
    ["negative", -3],
    ["fractional", 1.5],
    ["a string", "5"],
    ["beyond int4", 2_147_483_648],
  ])("rejects animal_id %s", async (_label, value) => {
    await expectRejected("/api/llm/enrich", enrich({ animal_id: value }), "animal_id");
  });

  it.each([
    ["missing", undefined],
    ["unknown", "summarise"],
    ["wrong case", "Dog_Profiler"],
  ])("rejects processing_type %s", async (_label, value) => {
    await expectRejected("/api/llm/enrich", enrich({ processing_type: value }), "processing_type");
  });

  it("rejects an unsupported target_language", async () => {
    await expectRejected(
      "/api/llm/enrich",
      enrich({ processing_type: "translation", target_language: "xx" }),
      "target_language",
    );
  });

  it("rejects target_language for a type that does not translate", async () => {
    await expectRejected(
      "/api/llm/enrich",
      enrich({ animal_id: animalId, target_language: "es" }),
      "target_language",
    );
  });

  it("rejects unknown fields, naming them", async () => {
    await expectRejected(
      "/api/llm/enrich",
      enrich({ animal_id: animalId, priority: "high" }),
      "priority",
    );
  });

  it("rejects a body that is not an object", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/api/llm/enrich",
      headers: { ...auth, "content-type": "application/json" },
      payload: "[1,2]",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("invalid_input");
  });

  it("rejects invalid JSON and an empty JSON body with 400 naming the body", async () => {
    for (const payload of ["{not json", ""]) {
      const res = await h.app.inject({
        method: "POST",
        url: "/api/llm/enrich",
        headers: { ...auth, "content-type": "application/json" },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: "invalid_input", field: "body" });
    }
  });

  it("answers 404 for an animal that does not exist, before any LLM call", async () => {
    const before = h.fake.stats.completions;
    const { status, body } = await post("/api/llm/enrich", enrich({ animal_id: 999_999 }));
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: "not_found" });
    expect(body.error.message).toContain("999999");
    expect(h.fake.stats.completions).toBe(before);
  });
});

describe("POST /api/llm/batch-enrich input", () => {
  it.each([
    ["missing", undefined],
    ["empty", []],
    ["over 1000", Array.from({ length: 1001 }, (_, i) => i + 1)],
    ["with duplicates", [1, 2, 2]],
    ["with a negative id", [1, -2]],
    ["with a fractional id", [1, 2.5]],
    ["not an array", 7],
  ])("rejects animal_ids %s", async (_label, value) => {
    await expectRejected("/api/llm/batch-enrich", batch({ animal_ids: value }), "animal_ids");
  });

  it("accepts exactly 1000 unique ids (then 404s the unknown ones)", async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => 500_000 + i);
    const { status, body } = await post("/api/llm/batch-enrich", batch({ animal_ids: ids }));
    expect(status).toBe(404);
    expect(body.error.message).toContain("500000");
  });

  it.each([
    ["zero", 0],
    ["above LLM_BATCH_MAX_SIZE", 26],
    ["fractional", 2.5],
    ["a string", "5"],
  ])("rejects batch_size %s", async (_label, value) => {
    await expectRejected("/api/llm/batch-enrich", batch({ batch_size: value }), "batch_size");
  });

  it("honours a configured LLM_BATCH_MAX_SIZE", async () => {
    const small = await startHarness("pglite", {
      env: { LLM_BATCH_MAX_SIZE: "4", LLM_BATCH_DEFAULT_SIZE: "2" },
      database: h.database,
    });
    try {
      const res = await small.app.inject({
        method: "POST",
        url: "/api/llm/batch-enrich",
        headers: auth,
        payload: batch({ batch_size: 5 }),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain("at most 4");
    } finally {
      await small.close();
    }
  });

  it("rejects processing_type and unknown fields", async () => {
    await expectRejected(
      "/api/llm/batch-enrich",
      batch({ processing_type: "x" }),
      "processing_type",
    );
    await expectRejected("/api/llm/batch-enrich", batch({ animal_id: 1 }), "animal_id");
  });
});

describe("POST /api/llm/translate input", () => {
  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["only whitespace", "  \n\t "],
    ["over 20,000 characters", "a".repeat(20_001)],
    ["not a string", 12],
  ])("rejects text %s", async (_label, value) => {
    await expectRejected("/api/llm/translate", translate({ text: value }), "text");
  });

  it.each([
    ["missing", undefined],
    ["unsupported", "xx"],
    ["a locale", "es-ES"],
    ["upper case", "ES"],
  ])("rejects target_language %s", async (_label, value) => {
    await expectRejected(
      "/api/llm/translate",
      translate({ target_language: value }),
      "target_language",
    );
  });

  it("rejects an unsupported source_language and unknown fields", async () => {
    await expectRejected(
      "/api/llm/translate",
      translate({ source_language: "klingon" }),
      "source_language",
    );
    await expectRejected("/api/llm/translate", translate({ model: "gpt-4" }), "model");
  });
});

describe("POST /api/llm/jobs input", () => {
  const job = (extra: Record<string, unknown>) => ({
    processing_type: "description_cleaning",
    ...extra,
  });

  it("rejects a bad processing_type, limit, or target_languages", async () => {
    await expectRejected("/api/llm/jobs", job({ processing_type: "all" }), "processing_type");
    await expectRejected("/api/llm/jobs", job({ limit: 0 }), "limit");
    await expectRejected(
      "/api/llm/jobs",
      job({ processing_type: "translation", target_languages: ["es", "es"] }),
      "target_languages",
    );
    await expectRejected(
      "/api/llm/jobs",
      job({ processing_type: "translation", target_languages: ["zz"] }),
      "target_languages",
    );
    await expectRejected("/api/llm/jobs", job({ target_languages: ["es"] }), "target_languages");
  });

  it("rejects organization_id together with animal_ids, and bad animal_ids", async () => {
    await expectRejected(
      "/api/llm/jobs",
      job({ organization_id: "rules-org", animal_ids: [animalId] }),
      "animal_ids",
    );
    await expectRejected("/api/llm/jobs", job({ animal_ids: [1, 1] }), "animal_ids");
  });

  it("404s an unknown organization or animal", async () => {
    expect((await post("/api/llm/jobs", job({ organization_id: "no-such-org" }))).status).toBe(404);
    expect((await post("/api/llm/jobs", job({ animal_ids: [animalId, 987_654] }))).status).toBe(
      404,
    );
  });

  it("404s an unknown job id", async () => {
    for (const url of ["/api/llm/jobs/no-such-job", "/api/llm/jobs/no-such-job/events"]) {
      const res = await h.app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
  });
});

describe("GET /api/llm/stats input", () => {
  it("rejects an empty organization_id and unknown query parameters", async () => {
    let res = await h.app.inject({ method: "GET", url: "/api/llm/stats?organization_id=" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe("organization_id");
    res = await h.app.inject({ method: "GET", url: "/api/llm/stats?org=1" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe("org");
  });

  it("404s an unknown organization, by id or config_id", async () => {
    for (const id of ["424242", "nobody"]) {
      const res = await h.app.inject({
        method: "GET",
        url: `/api/llm/stats?organization_id=${id}`,
      });
      expect(res.statusCode).toBe(404);
    }
  });
});

describe("transport rules", () => {
  it("refuses a body over 1 MB with 413", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/api/llm/translate",
      headers: { ...auth, "content-type": "application/json" },
      payload: JSON.stringify({ text: "a".repeat(1024 * 1024), target_language: "es" }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: "payload_too_large", field: "body" });
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "application/xml"])(
    "refuses content type %s with 415",
    async (contentType) => {
      const res = await h.app.inject({
        method: "POST",
        url: "/api/llm/enrich",
        headers: { ...auth, "content-type": contentType },
        payload: "animal_id=1",
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().error).toMatchObject({
        code: "unsupported_media_type",
        field: "content-type",
      });
    },
  );

  it("answers unknown routes with the error format", async () => {
    const res = await h.app.inject({ method: "GET", url: "/api/llm/nothing-here" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("not_found");
  });
});
