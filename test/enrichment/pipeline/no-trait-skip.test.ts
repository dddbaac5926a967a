import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getEnrichmentBreakdown } from "../../../src/db/stats-store.js";
import { fakeStep } from "../../../src/testing/fake-openrouter/fake-scenarios.js";
import {
  createPipelineFixture,
  runRequest,
  seedListings,
  sharedListings,
  type PipelineFixture,
} from "../../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../../support/test-databases.js";

// Otta (165 characters, long enough to profile): "Otta and her brother Oscar are from a batch of
// 4 puppies rescued together. Their 2 siblings have since found homes, and this pair would love
// to find a home together!" — not one personality trait. Harcos's listing states several.
const [otta] = sharedListings(1, (l) => l.external_id === "pfmy-test-ac9fb74b9");
const [harcos] = sharedListings(1, (l) => l.external_id === "thmuc-171066");

interface LogRow {
  animal_id: number;
  status: string;
  call_kind: string;
}

describe.each(DATABASE_KINDS)("a listing that states no trait (%s)", (kind) => {
  let f: PipelineFixture;
  beforeEach(async () => {
    // Without the cache: the forced rerun below must really ask the model again.
    f = await createPipelineFixture(kind, { env: { LLM_CACHE_ENABLED: "false" } });
    await seedListings(f.services, [otta!, harcos!]);
  });
  afterEach(async () => {
    await f.dispose();
  });

  const idOf = async (externalId: string): Promise<number> => {
    const rows = await f.services.db.query<{ id: number }>(
      "SELECT id FROM animals WHERE external_id = $1",
      [externalId],
    );
    return rows[0]!.id;
  };

  it("is skipped as no_trait_stated after one call: no re-ask, no verification, no profile stored", async () => {
    const summary = await runRequest(f.services, { processingType: "dog_profiler" });
    expect(summary).toMatchObject({
      succeeded: 1,
      failed: 0,
      skipped: 1,
      skippedByReason: { no_trait_stated: 1 },
      successRatePercent: 100,
    });
    const ottaId = await idOf("pfmy-test-ac9fb74b9");
    const logs = await f.services.db.query<LogRow>(
      "SELECT animal_id, status, call_kind FROM llm_processing_logs WHERE animal_id = $1 ORDER BY id",
      [ottaId],
    );
    expect(logs).toEqual([{ animal_id: ottaId, status: "declined", call_kind: "generation" }]);
    const [row] = await f.services.db.query<{
      dog_profiler_data: unknown;
      status: string;
      flags: string[];
    }>(
      `SELECT a.dog_profiler_data, e.status, e.flags FROM animals a
         JOIN llm_enrichments e ON e.animal_id = a.id AND e.processing_type = 'dog_profiler'
        WHERE a.id = $1`,
      [ottaId],
    );
    expect(row).toMatchObject({ dog_profiler_data: null, status: "skipped" });
    expect(row!.flags[0]).toBe("no_trait_stated");
    const stats = await getEnrichmentBreakdown(f.services.db);
    expect(stats.byType.dog_profiler).toMatchObject({
      skipped: 1,
      skippedByReason: { no_trait_stated: 1 },
    });

    // Settled for this source and prompt: a rerun takes nothing and pays nothing.
    const calls = f.fake.stats.completions;
    const rerun = await runRequest(f.services, { processingType: "dog_profiler" });
    expect(rerun).toMatchObject({ processed: 0, upToDate: 2 });
    expect(f.fake.stats.completions).toBe(calls);
  });

  it("a no_profile answer never overwrites the profile stored before", async () => {
    const harcosId = await idOf("thmuc-171066");
    await runRequest(f.services, { processingType: "dog_profiler", animalIds: [harcosId] });
    const read = async () =>
      (
        await f.services.db.query<{ dog_profiler_data: { tagline: string } | null }>(
          "SELECT dog_profiler_data FROM animals WHERE id = $1",
          [harcosId],
        )
      )[0]!.dog_profiler_data;
    const before = await read();
    expect(before?.tagline).toBeTruthy();

    f.fake.script(fakeStep.content('{"profile": null, "no_profile": "no trait stated"}'));
    const summary = await runRequest(f.services, {
      processingType: "dog_profiler",
      animalIds: [harcosId],
      force: true,
    });
    expect(summary).toMatchObject({ skipped: 1, skippedByReason: { no_trait_stated: 1 } });
    expect(await read()).toEqual(before);
  });
});
