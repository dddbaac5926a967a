// The one resolution every edge goes through, on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type Env } from "../../../src/config.js";
import { createListingDirectory } from "../../../src/db/listing-directory.js";
import { upsertOrganization } from "../../../src/db/organization-store.js";
import {
  candidateFilter,
  resolveOrganization,
  resolveRunRequest,
} from "../../../src/enrichment/pipeline/resolve-run-request.js";
import { RESOLVED, type RunRequest } from "../../../src/enrichment/pipeline/run-request.js";
import { FeatureDisabledError, NotFoundError, ValidationError } from "../../../src/errors.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-databases.js";
import { seedAnimals } from "../../jobs/support/seed-animals.js";

let t: TestDatabase;
let animalIds: number[];
let orgId: number;
beforeAll(async () => {
  t = await createTestDatabase("pglite");
  animalIds = await seedAnimals(t.db, "resolve-org", 3);
  orgId = (await upsertOrganization(t.db, { configId: "resolve-org" })).id;
});
afterAll(() => t.dispose());

const resolve = (request: RunRequest, env: Env = {}, fields = {}) =>
  resolveRunRequest(
    {
      config: loadConfig({ ENVIRONMENT: "test", LLM_TRANSLATION_LANGUAGES: "fr,de", ...env }),
      directory: createListingDirectory(t.db),
    },
    request,
    fields,
  );

async function refusal(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected the request to be refused");
    },
    (error: unknown) => error as Error,
  );
}

describe("resolveRunRequest", () => {
  it("applies the defaults: batch size, no limit, no force, the configured languages", async () => {
    const plan = await resolve({ processingType: "translation" });
    expect(plan).toMatchObject({
      batchSize: 5, // LLM_BATCH_DEFAULT_SIZE in the test environment
      limit: undefined,
      force: false,
      organization: undefined,
      animalIds: undefined,
      targetLanguages: ["de", "fr"],
    });
    expect(plan.definition.name).toBe("translation");
    expect(plan[RESOLVED]).toBe(true);
    expect(candidateFilter(plan).targetLanguages).toEqual(["de", "fr"]);
    const cleaning = await resolve({ processingType: "description_cleaning" });
    expect(cleaning.targetLanguages).toEqual([]);
    // A type without languages is selected once per animal, under the empty language.
    expect(candidateFilter(cleaning).targetLanguages).toEqual([""]);
  });

  it("refuses a type switched off, naming its variable", async () => {
    const error = await refusal(
      resolve({ processingType: "dog_profiler" }, { LLM_FEATURE_DOG_PROFILER: "false" }),
    );
    expect(error).toBeInstanceOf(FeatureDisabledError);
    expect(error.message).toContain("LLM_FEATURE_DOG_PROFILER");
  });

  it("takes an organization by config_id, by numeric id, or by its id as text", async () => {
    for (const organization of ["resolve-org", orgId, String(orgId)]) {
      const plan = await resolve({ processingType: "description_cleaning", organization });
      expect(plan.organization).toEqual({ id: orgId, configId: "resolve-org" });
    }
    // A config_id made of digits is still found when no organization has that id.
    const digits = await upsertOrganization(t.db, { configId: "987654" });
    const plan = await resolve({ processingType: "description_cleaning", organization: "987654" });
    expect(plan.organization?.id).toBe(digits.id);
  });

  it("refuses an unknown organization or unknown animals with NotFoundError", async () => {
    for (const organization of ["no-such-org", 424_242]) {
      const error = await refusal(
        resolve({ processingType: "description_cleaning", organization }),
      );
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe(`Unknown organization: ${organization}`);
    }
    const directory = createListingDirectory(t.db);
    await expect(resolveOrganization(directory, "nobody")).rejects.toThrow(NotFoundError);
    const error = await refusal(
      resolve({ processingType: "description_cleaning", animalIds: [animalIds[0]!, 999_998] }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe("Unknown animal: 999998");
  });

  it("sorts and deduplicates animal ids and languages", async () => {
    const [a, b, c] = animalIds as [number, number, number];
    const plan = await resolve({
      processingType: "translation",
      animalIds: [c, a, c, b],
      targetLanguages: ["fr", "es", "fr"],
    });
    expect(plan.animalIds).toEqual([a, b, c]);
    expect(plan.targetLanguages).toEqual(["es", "fr"]);
  });

  it.each<[string, RunRequest, string]>([
    [
      "languages for a type without them",
      { processingType: "dog_profiler", targetLanguages: ["de"] },
      "target_language",
    ],
    [
      "an empty language list",
      { processingType: "translation", targetLanguages: [] },
      "target_language",
    ],
    ["a limit of 0", { processingType: "translation", limit: 0 }, "limit"],
    ["a fractional limit", { processingType: "translation", limit: 1.5 }, "limit"],
    [
      "a batch size over LLM_BATCH_MAX_SIZE",
      { processingType: "translation", batchSize: 26 },
      "batch_size",
    ],
    ["a batch size of 0", { processingType: "translation", batchSize: 0 }, "batch_size"],
    [
      "an organization and animal ids together",
      { processingType: "translation", organization: "resolve-org", animalIds: [1] },
      "animal_ids",
    ],
  ])("refuses %s, naming the field as the caller calls it", async (_label, request, field) => {
    const error = await refusal(
      resolve(
        request,
        {},
        {
          targetLanguages: "target_language",
          limit: "limit",
          batchSize: "batch_size",
          animalIds: "animal_ids",
          organization: "organization_id",
        },
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });
});
