// The OpenAPI document lists every route, documents auth and errors, and its schemas compile.
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./support/api-harness.js";

interface Operation {
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: object }> };
  parameters?: { name: string; in: string; schema: object }[];
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, object> };
}

const ROUTES = [
  ["post", "/api/llm/enrich"],
  ["post", "/api/llm/batch-enrich"],
  ["post", "/api/llm/translate"],
  ["get", "/api/llm/stats"],
  ["get", "/api/llm/cache-stats"],
  ["get", "/api/health/llm"],
  ["post", "/api/llm/jobs"],
  ["get", "/api/llm/jobs/{id}"],
  ["get", "/api/llm/jobs/{id}/events"],
  ["get", "/metrics"],
  ["get", "/api/animals/{id}/enrichment"],
  ["get", "/api/llm/review"],
  ["post", "/api/llm/review/{animal_id}"],
  ["get", "/api/llm/experiments"],
  ["get", "/api/llm/experiments/{id}"],
] as const;

let h: Harness;
let doc: OpenApiDocument;
beforeAll(async () => {
  h = await startHarness("pglite");
  const res = await h.app.inject({ method: "GET", url: "/openapi.json" });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => {
  await h.close();
});

describe("OpenAPI document", () => {
  it("lists every route and nothing else", () => {
    expect(doc.openapi).toBe("3.1.0");
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(listed.sort()).toEqual(ROUTES.map(([m, p]) => `${m} ${p}`).sort());
  });

  it("documents the API key on POST routes and the error body everywhere", () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      "apiKeyHeader",
      "bearerAuth",
    ]);
    for (const [method, path] of ROUTES) {
      const op = doc.paths[path]![method]!;
      if (method === "post") {
        expect(op.security, path).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
        expect(Object.keys(op.responses), path).toEqual(
          expect.arrayContaining(
            ["200", "400", "401", "413", "415", "429", "500"].filter(
              (s) => !(path === "/api/llm/jobs" && s === "200"),
            ),
          ),
        );
        expect(op.requestBody?.content["application/json"]?.schema, path).toBeDefined();
      } else if (path === "/api/llm/review") {
        // The review queue shows unpublished work: a key is needed to read it.
        expect(op.security, path).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
      } else {
        expect(op.security, path).toBeUndefined();
      }
      expect(op.responses["500"]?.content?.["application/json"]?.schema, path).toEqual({
        $ref: "#/components/schemas/ErrorBody",
      });
    }
    expect(Object.keys(doc.paths["/api/llm/jobs"]!.post!.responses)).toContain("202");
  });

  it("has request and response schemas that compile as JSON Schema 2020-12, refs resolved", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
    const compile = (schema: object) => {
      const rewritten = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'),
      ) as object;
      return ajv.compile(rewritten);
    };
    const schemas = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).flatMap((op) => [
        ...Object.values(op.requestBody?.content ?? {}),
        ...Object.values(op.responses).flatMap((response) => Object.values(response.content ?? {})),
      ]),
    );
    for (const media of schemas) compile(media.schema);
    const compiled = schemas.length;
    expect(compiled).toBeGreaterThan(40);
    // The documented request schema accepts what the API accepts and refuses what it refuses.
    const enrich = compile(
      doc.paths["/api/llm/enrich"]!.post!.requestBody!.content["application/json"]!.schema,
    );
    expect(enrich({ animal_id: 3, processing_type: "dog_profiler" })).toBe(true);
    expect(enrich({ animal_id: 3, processing_type: "dog_profiler", extra: 1 })).toBe(false);
    expect(enrich({ animal_id: 0, processing_type: "dog_profiler" })).toBe(false);
  });

  it("serves browsable docs at /docs", async () => {
    const res = await h.app.inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.body).toContain("swagger");
  });
});
