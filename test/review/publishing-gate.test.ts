// The publishing gate and review actions on a real database: REVIEW_MODE off and required,
// the per-organization override, staff edits that reruns leave alone unless asked, staleness
// and the per-state counts the triggers keep.
import { afterEach, describe, expect, it } from "vitest";
import type { Queryable } from "../../src/db/database.js";
import { countReviewQueue } from "../../src/db/review-queue-store.js";
import { applyReviewAction } from "../../src/review/review-actions.js";
import { rerunItem } from "../../src/review/rerun-item.js";
import {
  createPipelineFixture,
  seedListings,
  sharedListings,
  type PipelineFixture,
  runRequest,
} from "../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../support/test-databases.js";

const LISTINGS = sharedListings(
  4,
  (l) =>
    l.organization === "petfinder-my" &&
    String(l.description).length > 200 &&
    String(l.description).length < 600,
);
const STAFF = { label: "alice", via: "api" } as const;

async function animalIds(db: Queryable): Promise<number[]> {
  const rows = await db.query<{ id: number }>("SELECT id FROM animals ORDER BY id");
  return rows.map((r) => r.id);
}

async function cleaned(db: Queryable, id: number): Promise<string | null> {
  const rows = await db.query<{ enriched_description: string | null }>(
    "SELECT enriched_description FROM animals WHERE id = $1",
    [id],
  );
  return rows[0]?.enriched_description ?? null;
}

/** The trigger-kept counts must equal a direct count of the items. */
async function expectCountsConsistent(db: Queryable): Promise<void> {
  const kept = await countReviewQueue(db, {});
  const [live] = await db.query<Record<string, number>>(
    `SELECT (count(*) FILTER (WHERE review_state = 'to_review'))::int AS to_review,
            (count(*) FILTER (WHERE review_state = 'approved'))::int AS approved,
            (count(*) FILTER (WHERE review_state = 'rejected'))::int AS rejected,
            (count(*) FILTER (WHERE status = 'failed'))::int AS failed,
            (count(*) FILTER (WHERE flagged))::int AS flagged,
            (count(*) FILTER (WHERE stale))::int AS stale
     FROM llm_enrichments`,
  );
  expect(kept).toEqual(live);
}

describe.each(DATABASE_KINDS)("publishing gate on %s", (kind) => {
  let f: PipelineFixture;
  afterEach(async () => {
    await f.dispose();
  });

  it("REVIEW_MODE=off publishes at once and keeps the output as a candidate to review", async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS);
    const summary = await runRequest(f.services, {
      processingType: "description_cleaning",
    });
    expect(summary.succeeded).toBe(LISTINGS.length);
    const [id] = await animalIds(f.services.db);
    const [item] = await f.services.db.query<{
      review_state: string;
      published_version_id: string | null;
      candidate_version_id: string | null;
    }>(
      "SELECT review_state, published_version_id, candidate_version_id FROM llm_enrichments WHERE animal_id = $1",
      [id],
    );
    expect(item?.review_state).toBe("to_review");
    expect(item?.candidate_version_id).not.toBeNull();
    expect(item?.published_version_id).toBe(item?.candidate_version_id);
    expect(await cleaned(f.services.db, id!)).toBeTruthy();
    await expectCountsConsistent(f.services.db);
  });

  it("REVIEW_MODE=required publishes only what is approved; reject withdraws nothing unpublished", async () => {
    f = await createPipelineFixture(kind, { env: { REVIEW_MODE: "required" } });
    await seedListings(f.services, LISTINGS);
    await runRequest(f.services, { processingType: "description_cleaning" });
    const [first, second] = await animalIds(f.services.db);
    expect(await cleaned(f.services.db, first!)).toBeNull();
    expect((await countReviewQueue(f.services.db, {})).to_review).toBe(LISTINGS.length);

    const approved = await applyReviewAction(f.services.db, STAFF, {
      animalId: first!,
      processingType: "description_cleaning",
      action: "approve",
    });
    expect(approved.item.reviewState).toBe("approved");
    expect(approved.item.reviewedBy).toBe("alice");
    expect(await cleaned(f.services.db, first!)).toBe(approved.item.candidate?.value);

    await expect(
      applyReviewAction(f.services.db, STAFF, {
        animalId: second!,
        processingType: "description_cleaning",
        action: "reject",
      }),
    ).rejects.toMatchObject({ field: "reason" });
    const rejected = await applyReviewAction(f.services.db, STAFF, {
      animalId: second!,
      processingType: "description_cleaning",
      action: "reject",
      reason: "reads like an advert",
    });
    expect(rejected.item.reviewState).toBe("rejected");
    expect(await cleaned(f.services.db, second!)).toBeNull();

    // Rejecting the published, approved value withdraws it from the public column.
    await applyReviewAction(f.services.db, STAFF, {
      animalId: first!,
      processingType: "description_cleaning",
      action: "reject",
      reason: "changed my mind",
    });
    expect(await cleaned(f.services.db, first!)).toBeNull();

    const audit = await f.services.db.query<{
      action: string;
      actor: string;
      reason: string | null;
    }>("SELECT action, actor, reason FROM llm_review_actions ORDER BY id");
    expect(audit).toEqual([
      { action: "approve", actor: "alice", reason: null },
      { action: "reject", actor: "alice", reason: "reads like an advert" },
      { action: "reject", actor: "alice", reason: "changed my mind" },
    ]);
    await expectCountsConsistent(f.services.db);
  });

  it("an organization's review_mode overrides REVIEW_MODE, and switching it redoes no work", async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS);
    await f.services.db.query(
      `UPDATE organizations SET llm_config = '{"review_mode": "required"}'::jsonb`,
    );
    await runRequest(f.services, { processingType: "description_cleaning" });
    const [id] = await animalIds(f.services.db);
    expect(await cleaned(f.services.db, id!)).toBeNull();
    await f.services.db.query(
      `UPDATE organizations SET llm_config = '{"review_mode": "off"}'::jsonb`,
    );
    const rerun = await runRequest(f.services, {
      processingType: "description_cleaning",
    });
    expect(rerun.llmCalls).toBe(0);
    expect(rerun.processed).toBe(0);
    // The waiting candidates are still there, not stale, ready to approve.
    const counts = await countReviewQueue(f.services.db, {});
    expect(counts.to_review).toBe(LISTINGS.length);
    expect(counts.stale).toBe(0);
  });

  it("a staff edit is checked, published when approved and kept by reruns unless replaced", async () => {
    f = await createPipelineFixture(kind, { env: { REVIEW_MODE: "required" } });
    await seedListings(f.services, LISTINGS);
    await runRequest(f.services, { processingType: "description_cleaning" });
    const [id] = await animalIds(f.services.db);
    const ref = { animalId: id!, processingType: "description_cleaning" as const };

    const bad = await applyReviewAction(f.services.db, STAFF, {
      ...ref,
      action: "edit",
      text: "Call 555-0199 to adopt this dog today, visit https://example.com now.",
    });
    expect(bad.findings.length).toBeGreaterThan(0);
    expect(bad.item.staff?.flags).toEqual(bad.findings);
    expect(bad.item.flagged).toBe(true);

    const candidateText = String(bad.item.candidate?.value);
    const edited = `${candidateText} Staff note kept.`;
    const good = await applyReviewAction(f.services.db, STAFF, {
      ...ref,
      action: "edit",
      text: edited,
    });
    expect(good.item.staff?.value).toBe(edited);
    expect(good.item.reviewState).toBe("to_review");
    await applyReviewAction(f.services.db, STAFF, { ...ref, action: "approve" });
    expect(await cleaned(f.services.db, id!)).toBe(edited);

    // A forced rerun leaves the staff version in effect and published.
    const kept = await rerunItem({ db: f.services.db, pipeline: f.services.pipeline }, STAFF, {
      ...ref,
      targetLanguage: "",
    });
    expect(kept.status).toBe("succeeded");
    expect(await cleaned(f.services.db, id!)).toBe(edited);
    await expect(
      runRequest(f.services, { ...ref, animalIds: [id!], replaceStaffEdits: true }),
    ).rejects.toMatchObject({ field: "replaceStaffEdits" });

    // Forced and asked to replace: the new output takes effect (and waits for approval).
    await rerunItem(
      { db: f.services.db, pipeline: f.services.pipeline },
      STAFF,
      { ...ref, targetLanguage: "" },
      { replaceStaffEdits: true },
    );
    const [row] = await f.services.db.query<{
      staff_version_id: string | null;
      review_state: string;
    }>(
      "SELECT staff_version_id, review_state FROM llm_enrichments WHERE animal_id = $1 AND processing_type = 'description_cleaning'",
      [id],
    );
    expect(row).toEqual({ staff_version_id: null, review_state: "to_review" });
    // Required mode: the approved staff text stays public until the new output is approved.
    expect(await cleaned(f.services.db, id!)).toBe(edited);
    const versions = await f.services.db.query<{ origin: string }>(
      "SELECT origin FROM llm_result_versions WHERE animal_id = $1 AND processing_type = 'description_cleaning' ORDER BY id",
      [id],
    );
    expect(versions.map((v) => v.origin)).toEqual([
      "pipeline",
      "staff",
      "staff",
      "pipeline",
      "pipeline",
    ]);
    await expectCountsConsistent(f.services.db);
  });

  it("a changed listing or organization config makes the result stale; the rerun freshens it", async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS);
    await runRequest(f.services, { processingType: "description_cleaning" });
    await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: ["de"],
    });
    const [id, other] = await animalIds(f.services.db);
    expect((await countReviewQueue(f.services.db, {})).stale).toBe(0);

    await f.services.db.query(
      `UPDATE animals SET properties = jsonb_set(properties, '{description}',
         to_jsonb(properties->>'description' || ' Now house-trained.')) WHERE id = $1`,
      [id],
    );
    const stale = await f.services.db.query<{ processing_type: string; stale: boolean }>(
      "SELECT processing_type, stale FROM llm_enrichments WHERE animal_id = $1 ORDER BY processing_type",
      [id],
    );
    // Translation works from the (unchanged) cleaned description, so only cleaning is stale.
    expect(stale).toEqual([
      { processing_type: "description_cleaning", stale: true },
      { processing_type: "translation", stale: false },
    ]);
    await runRequest(f.services, { processingType: "description_cleaning" });
    const after = await f.services.db.query<{ processing_type: string; stale: boolean }>(
      "SELECT processing_type, stale FROM llm_enrichments WHERE animal_id = $1 ORDER BY processing_type",
      [id],
    );
    // The new cleaned text is published, so the translation made from the old one is stale.
    expect(after).toEqual([
      { processing_type: "description_cleaning", stale: false },
      { processing_type: "translation", stale: true },
    ]);
    await f.services.db.query(`UPDATE organizations SET llm_config = '{"tone": "calm"}'::jsonb`);
    const [{ n }] = (await f.services.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM llm_enrichments WHERE animal_id = $1 AND stale",
      [other],
    )) as [{ n: number }];
    expect(n).toBe(2);
    await expectCountsConsistent(f.services.db);
  });
});
