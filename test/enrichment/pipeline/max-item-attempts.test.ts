// LLM_MAX_ITEM_ATTEMPTS: an item that failed its checks that often for the same source and
// prompt version is not paid for again until either changes, or --force.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createPipelineFixture,
  runRequest,
  seedListings,
  sharedListings,
  type PipelineFixture,
} from "../../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../../support/test-databases.js";

const LISTINGS = sharedListings(
  3,
  (l) => l.organization === "petfinder-my" && String(l.description).length > 200,
);

describe.each(DATABASE_KINDS)("LLM_MAX_ITEM_ATTEMPTS on %s", (kind) => {
  let f: PipelineFixture;
  beforeEach(async () => {
    f = await createPipelineFixture(kind, {
      env: { LLM_MAX_ITEM_ATTEMPTS: "2", LLM_CACHE_ENABLED: "false" },
      // An answer that drops every fact: it fails the cleaning checks every time.
      fake: { responder: () => "Lovely dog." },
    });
    await seedListings(f.services, LISTINGS);
  });
  afterEach(async () => {
    await f.dispose();
  });

  it("holds an item after N failed checks, until --force or a changed source", async () => {
    const clean = () => runRequest(f.services, { processingType: "description_cleaning" });
    expect((await clean()).failed).toBe(LISTINGS.length);
    expect((await clean()).failed).toBe(LISTINGS.length);
    const calls = f.fake.stats.completions;
    expect(calls).toBe(LISTINGS.length * 2 * 2); // ask + re-ask, twice

    const held = await clean();
    expect(held.processed).toBe(0);
    expect(f.fake.stats.completions).toBe(calls);

    // A changed listing is worth another try.
    await f.services.db.query(
      `UPDATE animals SET properties = jsonb_set(properties, '{description}',
         to_jsonb(properties->>'description' || ' Updated today.')) WHERE id = (SELECT min(id) FROM animals)`,
    );
    expect((await clean()).processed).toBe(1);

    const forced = await runRequest(f.services, {
      processingType: "description_cleaning",
      force: true,
    });
    expect(forced.processed).toBe(LISTINGS.length);
  });

  it("does not count provider failures", async () => {
    f.fake.script(
      ...Array.from({ length: 40 }, () => ({ kind: "http_error" as const, status: 400 as const })),
    );
    for (let i = 0; i < 3; i++) {
      expect(
        (await runRequest(f.services, { processingType: "description_cleaning" })).failed,
      ).toBe(LISTINGS.length);
    }
    const rows = await f.services.db.query<{ check_failures: number }>(
      "SELECT check_failures FROM llm_enrichments WHERE processing_type = 'description_cleaning'",
    );
    expect(rows.map((r) => r.check_failures)).toEqual([0, 0, 0]);
  });
});
