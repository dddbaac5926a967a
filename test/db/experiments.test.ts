// An experiment end to end on a real database: arms assigned by hash and weight (SQL equals
// the TypeScript), results recorded with experiment and arm, the variant in the source hash
// (llm_source_hash() agrees), the fake answering worse for one arm and the report finding
// it with the right sign, reviews feeding approval, identical arms found equal, and the
// lifecycle: stop goes back to the default, promote makes a new default prompt version.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createExperiment,
  getExperiment,
  loadExperimentReport,
  promoteArm,
  startExperiment,
  stopExperiment,
} from "../../src/db/experiment-store.js";
import { assignArm, experimentBucket } from "../../src/enrichment/experiments/assign-arm.js";
import { planExperiment } from "../../src/enrichment/experiments/experiment-plan.js";
import type { Experiment } from "../../src/enrichment/experiments/experiment-types.js";
import { DOG_PROFILER_INSTRUCTIONS } from "../../src/enrichment/prompts/dog-profiler-prompt.js";
import { applyReviewAction } from "../../src/review/review-actions.js";
import {
  createPipelineFixture,
  runRequest,
  seedListings,
  sharedListings,
  type PipelineFixture,
} from "../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../support/test-databases.js";

const LISTINGS = sharedListings(
  90,
  (l) =>
    l.organization === "petfinder-my" &&
    String(l.description).length > 250 &&
    String(l.description).length < 900,
);

const CARELESS = {
  instructions: DOG_PROFILER_INSTRUCTIONS.join("\n"),
  temperature: 0.75,
  model: "fake/careless-profiler",
};

async function newExperiment(
  f: PipelineFixture,
  arms: { name: string; variant: typeof CARELESS | null }[],
  split: number[] = [],
): Promise<Experiment> {
  const planned = planExperiment({
    name: "careless-model",
    processingType: "dog_profiler",
    organizationId: null,
    arms: arms.map((a) => ({ ...a, sourceFile: a.variant ? "prompts/test.txt" : null })),
    split,
  });
  const created = await createExperiment(f.services.db, {
    name: "careless-model",
    processingType: "dog_profiler",
    organizationId: null,
    arms: planned,
  });
  return startExperiment(f.services.db, created.id);
}

describe.each(DATABASE_KINDS)("prompt experiments on %s", (kind) => {
  let f: PipelineFixture;
  beforeEach(async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS);
  });
  afterEach(async () => {
    await f.dispose();
  });

  it("assigns in SQL exactly as in TypeScript, by weight", async () => {
    const rows = await f.services.db.query<{ e: number; a: number; bucket: number }>(
      `SELECT e, a, llm_experiment_bucket(e, a) AS bucket
       FROM generate_series(1, 3) e, generate_series(1, 2000) a`,
    );
    for (const row of rows) expect(row.bucket).toBe(experimentBucket(row.e, row.a));
    const experiment = await newExperiment(
      f,
      [
        { name: "control", variant: null },
        { name: "careless", variant: CARELESS },
      ],
      [80, 20],
    );
    expect(experiment.arms.map((a) => [a.name, a.bucketStart, a.bucketEnd])).toEqual([
      ["control", 0, 8000],
      ["careless", 8000, 10000],
    ]);
  });

  it(
    "runs each animal in its arm, finds the worse arm with the right sign, and promotes",
    { timeout: 240_000 },
    async () => {
      const experiment = await newExperiment(f, [
        { name: "control", variant: null },
        { name: "careless", variant: CARELESS },
      ]);
      const ranges = experiment.arms.map((a) => ({ start: a.bucketStart, end: a.bucketEnd }));
      const first = await runRequest(f.services, { processingType: "dog_profiler" });
      expect(first.stop?.error.cause ?? first.stop).toBeUndefined();
      expect(first.processed).toBe(LISTINGS.length);

      // Every item ran in the arm its hash gives, with that arm's prompt version, and its
      // stored source hash is what llm_source_hash() computes with the arm as the variant.
      const items = await f.services.db.query<{
        animal_id: number;
        experiment_id: number;
        experiment_arm: string;
        prompt_version: string;
        source_hash: string;
        sql_hash: string;
        stale: boolean | null;
      }>(
        `SELECT e.animal_id, e.experiment_id, e.experiment_arm, e.prompt_version, e.source_hash,
                llm_source_hash(e.processing_type, e.target_language, a.name, a.breed, a.age_text,
                  a.sex, a.size, a.language, a.properties->>'description', a.enriched_description,
                  o.llm_config, e.prompt_version) AS sql_hash,
                e.stale
         FROM llm_enrichments e JOIN animals a ON a.id = e.animal_id
         JOIN organizations o ON o.id = a.organization_id
         WHERE e.processing_type = 'dog_profiler' ORDER BY e.animal_id`,
      );
      expect(items).toHaveLength(LISTINGS.length);
      for (const item of items) {
        const arm = experiment.arms[assignArm(experiment.id, item.animal_id, ranges)]!;
        expect(item.experiment_id).toBe(experiment.id);
        expect(item.experiment_arm).toBe(arm.name);
        expect(item.prompt_version).toBe(arm.promptVersion);
        expect(item.source_hash).toBe(item.sql_hash);
      }
      const models = await f.services.db.query<{ experiment_arm: string; model: string }>(
        `SELECT DISTINCT experiment_arm, model FROM llm_processing_logs
         WHERE experiment_id = $1 AND status <> 'cache_hit' ORDER BY 1`,
        [experiment.id],
      );
      expect(models.find((m) => m.experiment_arm === "careless")?.model).toBe(
        "fake/careless-profiler",
      );
      expect(models.find((m) => m.experiment_arm === "control")?.model).not.toBe(
        "fake/careless-profiler",
      );

      // While the arms stay, a rerun redoes only what failed, each in the same arm.
      const again = await runRequest(f.services, { processingType: "dog_profiler" });
      expect(again.processed).toBe(first.failed);
      expect(first.failed).toBeGreaterThan(0);
      const arms = await f.services.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM llm_enrichments e
         WHERE e.processing_type = 'dog_profiler' AND e.experiment_arm IS DISTINCT FROM
           (SELECT x.name FROM llm_experiment_arms x WHERE x.experiment_id = $1
              AND llm_experiment_bucket($1, e.animal_id) >= x.bucket_start
              AND llm_experiment_bucket($1, e.animal_id) < x.bucket_end)`,
        [experiment.id],
      );
      expect(arms[0]!.n).toBe(0);

      // Before any review the verdict rests on final success: the careless arm is worse.
      let report = await loadExperimentReport(f.services.db, experiment.id);
      expect(report.primaryMetric).toBe("final_success_rate");
      const careless = report.comparisons[0]!;
      const metric = (key: string) => careless.metrics.find((m) => m.key === key)!;
      expect(metric("first_answer_pass_rate").difference).toBeLessThan(0);
      expect(metric("first_answer_pass_rate").significant).toBe(true);
      expect(metric("reask_rate").difference).toBeGreaterThan(0);
      expect(metric("final_success_rate").difference).toBeLessThan(0);
      expect(report.verdict).toMatch(/^(Keep control|No clear difference yet)/);
      expect(report.verdict).not.toMatch(/^Keep careless/);

      // Staff review: approve every control profile, reject a third of the careless ones.
      const actor = { label: "staff-test", via: "api" as const };
      const succeeded = await f.services.db.query<{ animal_id: number; experiment_arm: string }>(
        `SELECT animal_id, experiment_arm FROM llm_enrichments
         WHERE processing_type = 'dog_profiler' AND status = 'succeeded' ORDER BY animal_id`,
      );
      let i = 0;
      for (const row of succeeded) {
        const reject = row.experiment_arm === "careless" && i++ % 3 === 0;
        await applyReviewAction(f.services.db, actor, {
          animalId: row.animal_id,
          processingType: "dog_profiler",
          action: reject ? "reject" : "approve",
          ...(reject && { reason: "reads invented" }),
        });
      }
      report = await loadExperimentReport(f.services.db, experiment.id);
      expect(report.primaryMetric).toBe("approval_rate");
      const approval = report.comparisons[0]!.metrics.find((m) => m.key === "approval_rate")!;
      expect(approval.difference).toBeLessThan(0);
      expect(approval.nControl + approval.nArm).toBe(succeeded.length);
      expect(report.comparisons[0]!.headline).toMatch(
        /^careless: −\d+\.\d points approval, 95% CI −\d+\.\d…[+−]\d+\.\d, n=\d+\/\d+$/,
      );
      const controlArm = report.arms.find((a) => a.name === "control")!;
      expect(controlArm.metrics.find((m) => m.key === "approval_rate")!.value).toBe(1);
      expect(controlArm.metrics.find((m) => m.key === "time_to_review_ms")!.n).toBeGreaterThan(0);

      // Stopping keeps the results; new runs use the default prompt again.
      await stopExperiment(f.services.db, experiment.id);
      const afterStop = await runRequest(f.services, { processingType: "dog_profiler" });
      expect(afterStop.processed).toBe(LISTINGS.length);
      const kept = await loadExperimentReport(f.services.db, experiment.id);
      expect(kept.arms.reduce((n, a) => n + a.items, 0)).toBe(LISTINGS.length);

      // Promoting makes a new prompt version the default; the next run moves to it.
      const promoted = await promoteArm(f.services.db, experiment.id, "control");
      expect(promoted.promotedPromptVersion).toBe(`dog_profiler@p${experiment.id}.control`);
      const afterPromote = await runRequest(f.services, { processingType: "dog_profiler" });
      expect(afterPromote.processed).toBe(LISTINGS.length);
      const versions = await f.services.db.query<{ prompt_version: string; n: number }>(
        `SELECT prompt_version, count(*)::int AS n FROM llm_enrichments
         WHERE processing_type = 'dog_profiler' GROUP BY 1`,
      );
      expect(versions).toEqual([
        { prompt_version: promoted.promotedPromptVersion, n: LISTINGS.length },
      ]);
      expect((await getExperiment(f.services.db, experiment.id)).status).toBe("stopped");
    },
  );

  it(
    "finds no significant difference between two identical arms",
    { timeout: 240_000 },
    async () => {
      const experiment = await newExperiment(f, [
        { name: "control", variant: null },
        { name: "same", variant: { ...CARELESS, model: null, temperature: null } as never },
      ]);
      await runRequest(f.services, { processingType: "dog_profiler" });
      const report = await loadExperimentReport(f.services.db, experiment.id);
      const same = report.comparisons[0]!;
      for (const key of ["final_success_rate", "first_answer_pass_rate", "reask_rate"]) {
        expect(same.metrics.find((m) => m.key === key)!.significant).toBe(false);
      }
      expect(report.verdict).toMatch(/^No clear difference yet: same: /);
    },
  );
});
