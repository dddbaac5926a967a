import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertOrganization } from "../../src/db/organization-store.js";
import { getEnrichmentStats } from "../../src/db/stats-store.js";
import type { TestDatabase } from "../support/test-databases.js";
import { createTestDatabase, DATABASE_KINDS } from "../support/test-databases.js";

const ZERO = {
  totalAnimals: 0,
  enrichedDescriptions: 0,
  dogProfiles: 0,
  withTranslations: 0,
  enrichmentCoveragePercent: 0,
  profileCoveragePercent: 0,
  translationCoveragePercent: 0,
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
    const empty = await upsertOrganization(t.db, { configId: "empty-shelter" });
    expect(await getEnrichmentStats(t.db, { organizationId: empty.id })).toEqual(ZERO);
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
      totalAnimals: 7,
      enrichedDescriptions: 3,
      dogProfiles: 5,
      withTranslations: 3,
      enrichmentCoveragePercent: 42.9,
      profileCoveragePercent: 71.4,
      translationCoveragePercent: 42.9,
    });
    expect(await getEnrichmentStats(t.db, { organizationId: alphaId })).toEqual({
      totalAnimals: 3,
      enrichedDescriptions: 2,
      dogProfiles: 1,
      withTranslations: 1,
      enrichmentCoveragePercent: 66.7,
      profileCoveragePercent: 33.3,
      translationCoveragePercent: 33.3,
    });
    expect(await getEnrichmentStats(t.db, { organizationId: betaId })).toEqual({
      totalAnimals: 4,
      enrichedDescriptions: 1,
      dogProfiles: 4,
      withTranslations: 2,
      enrichmentCoveragePercent: 25,
      profileCoveragePercent: 100,
      translationCoveragePercent: 50,
    });
  });
});
