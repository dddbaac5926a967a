import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertOrganization } from "../../src/db/organization-store.js";
import { getEnrichmentStats } from "../../src/db/stats-store.js";
import { NotFoundError } from "../../src/errors.js";
import type { TestDatabase } from "../support/test-databases.js";
import { createTestDatabase, DATABASE_KINDS } from "../support/test-databases.js";

const ZERO = {
  total_animals: 0,
  enriched_descriptions: 0,
  dog_profiles: 0,
  with_translations: 0,
  enrichment_coverage: 0,
  profile_coverage: 0,
  translation_coverage: 0,
};

describe.each(DATABASE_KINDS)("getEnrichmentStats on %s", (kind) => {
  let t: TestDatabase;
  let alphaId: number;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());

  it("returns zeros, not NaN, when there are no animals", async () => {
    expect(await getEnrichmentStats(t.db)).toEqual(ZERO);
    await upsertOrganization(t.db, { configId: "empty-shelter" });
    expect(await getEnrichmentStats(t.db, { organizationConfigId: "empty-shelter" })).toEqual(ZERO);
  });

  it("counts enrichment columns and computes coverage with one decimal", async () => {
    alphaId = (await upsertOrganization(t.db, { configId: "alpha" })).id;
    const betaId = (await upsertOrganization(t.db, { configId: "beta" })).id;
    // alpha: 3 animals — 2 enriched, 1 profiled, 1 translated ('{}' does not count).
    // beta: 4 animals — 1 enriched, 4 profiled, 2 translated.
    await t.db.query(
      `INSERT INTO animals (name, organization_id, external_id, enriched_description,
                            dog_profiler_data, translations)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])`,
      [
        ["A1", "A2", "A3", "B1", "B2", "B3", "B4"],
        [alphaId, alphaId, alphaId, betaId, betaId, betaId, betaId],
        ["a1", "a2", "a3", "b1", "b2", "b3", "b4"],
        ["Clean.", "Clean.", null, "Clean.", null, "", null],
        [
          '{"tagline": "x"}',
          null,
          null,
          '{"tagline": "x"}',
          '{"tagline": "y"}',
          '{"tagline": "z"}',
          '{"tagline": "w"}',
        ],
        ['{"de": "Hallo"}', "{}", null, '{"fr": "Salut"}', '{"es": "Hola"}', null, null],
      ],
    );
    expect(await getEnrichmentStats(t.db)).toEqual({
      total_animals: 7,
      enriched_descriptions: 3,
      dog_profiles: 5,
      with_translations: 3,
      enrichment_coverage: 42.9,
      profile_coverage: 71.4,
      translation_coverage: 42.9,
    });
    expect(await getEnrichmentStats(t.db, { organizationConfigId: "alpha" })).toEqual({
      total_animals: 3,
      enriched_descriptions: 2,
      dog_profiles: 1,
      with_translations: 1,
      enrichment_coverage: 66.7,
      profile_coverage: 33.3,
      translation_coverage: 33.3,
    });
    expect(await getEnrichmentStats(t.db, { organizationConfigId: "beta" })).toEqual({
      total_animals: 4,
      enriched_descriptions: 1,
      dog_profiles: 4,
      with_translations: 2,
      enrichment_coverage: 25,
      profile_coverage: 100,
      translation_coverage: 50,
    });
  });

  it("filters by numeric organization id too", async () => {
    expect(await getEnrichmentStats(t.db, { organizationId: alphaId })).toMatchObject({
      total_animals: 3,
      enrichment_coverage: 66.7,
    });
  });

  it("throws NotFoundError for an unknown organization", async () => {
    await expect(getEnrichmentStats(t.db, { organizationConfigId: "nobody" })).rejects.toThrow(
      NotFoundError,
    );
    await expect(getEnrichmentStats(t.db, { organizationId: 999_999 })).rejects.toThrow(
      NotFoundError,
    );
  });
});
