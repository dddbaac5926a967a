// llm_experiments and llm_experiment_arms (migration 012): create, list, start, stop, promote,
// and what the report reads per item from the call log, the versions and the review audit.
import { diffWords } from "diff";
import type { ProcessingType } from "../config.js";
import { bucketRanges } from "../enrichment/experiments/assign-arm.js";
import {
  armPromptVersion,
  promotedPromptVersion,
  type PlannedArm,
} from "../enrichment/experiments/experiment-plan.js";
import {
  buildExperimentReport,
  type ExperimentReport,
} from "../enrichment/experiments/experiment-report.js";
import {
  type ArmItemObservation,
  type Experiment,
  type ExperimentArm,
  type ExperimentStatus,
  type ReviewOutcome,
} from "../enrichment/experiments/experiment-types.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { Database, Queryable } from "./database.js";

interface ExperimentRow {
  id: number;
  name: string;
  processing_type: ProcessingType;
  organization_id: number | null;
  status: ExperimentStatus;
  promoted_arm: string | null;
  promoted_prompt_version: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  stopped_at: Date | string | null;
}

interface ArmRow {
  experiment_id: number;
  name: string;
  weight: number;
  bucket_start: number;
  bucket_end: number;
  prompt_version: string;
  system_text: string | null;
  temperature: number | null;
  model: string | null;
  source_file: string | null;
}

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toArm(row: ArmRow): ExperimentArm {
  return {
    name: row.name,
    weight: Number(row.weight),
    bucketStart: Number(row.bucket_start),
    bucketEnd: Number(row.bucket_end),
    promptVersion: row.prompt_version,
    systemText: row.system_text,
    temperature: row.temperature === null ? null : Number(row.temperature),
    model: row.model,
    sourceFile: row.source_file,
  };
}

function toExperiment(row: ExperimentRow, arms: readonly ArmRow[]): Experiment {
  return {
    id: Number(row.id),
    name: row.name,
    processingType: row.processing_type,
    organizationId: row.organization_id === null ? null : Number(row.organization_id),
    status: row.status,
    arms: arms.filter((a) => Number(a.experiment_id) === Number(row.id)).map(toArm),
    promotedArm: row.promoted_arm,
    promotedPromptVersion: row.promoted_prompt_version,
    createdAt: date(row.created_at),
    startedAt: row.started_at === null ? null : date(row.started_at),
    stoppedAt: row.stopped_at === null ? null : date(row.stopped_at),
  };
}

export interface NewExperiment {
  readonly name: string;
  readonly processingType: ProcessingType;
  readonly organizationId: number | null;
  readonly arms: readonly PlannedArm[];
}

/** Stores a draft experiment; the control arm copies the type's current default prompt. */
export async function createExperiment(db: Database, input: NewExperiment): Promise<Experiment> {
  const id = await db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO llm_experiments (name, processing_type, organization_id) VALUES ($1, $2, $3)
       RETURNING id`,
      [input.name.trim(), input.processingType, input.organizationId],
    );
    const experimentId = Number(row!.id);
    const [current] = await tx.query<{
      system_text: string | null;
      temperature: number | null;
      model: string | null;
    }>(
      `SELECT system_text, temperature, model FROM llm_prompt_versions
       WHERE processing_type = $1 AND is_default`,
      [input.processingType],
    );
    const ranges = bucketRanges(input.arms.map((a) => a.weight));
    await tx.query(
      `INSERT INTO llm_experiment_arms (experiment_id, name, position, weight, bucket_start,
          bucket_end, prompt_version, system_text, temperature, model, source_file)
       SELECT $1, u.name, u.position, u.weight, u.bucket_start, u.bucket_end, u.prompt_version,
              u.system_text, u.temperature, u.model, u.source_file
       FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[],
                   $9::float8[], $10::text[], $11::text[])
         AS u(name, position, weight, bucket_start, bucket_end, prompt_version, system_text,
              temperature, model, source_file)`,
      [
        experimentId,
        input.arms.map((a) => a.name),
        input.arms.map((_, i) => i),
        input.arms.map((a) => a.weight),
        ranges.map((r) => r.start),
        ranges.map((r) => r.end),
        input.arms.map((a) => armPromptVersion(input.processingType, experimentId, a.name)),
        input.arms.map((a) =>
          a.variant ? a.variant.instructions : (current?.system_text ?? null),
        ),
        input.arms.map((a) => (a.variant ? a.variant.temperature : (current?.temperature ?? null))),
        input.arms.map((a) => (a.variant ? a.variant.model : (current?.model ?? null))),
        input.arms.map((a) => a.sourceFile),
      ],
    );
    return experimentId;
  });
  return getExperiment(db, id);
}

export async function listExperiments(db: Queryable): Promise<Experiment[]> {
  const rows = await db.query<ExperimentRow>("SELECT * FROM llm_experiments ORDER BY id");
  const arms = await db.query<ArmRow>("SELECT * FROM llm_experiment_arms ORDER BY position");
  return rows.map((r) => toExperiment(r, arms));
}

export async function getExperiment(db: Queryable, id: number): Promise<Experiment> {
  const [row] = await db.query<ExperimentRow>("SELECT * FROM llm_experiments WHERE id = $1", [id]);
  if (!row) throw new NotFoundError(`No experiment ${id}`);
  const arms = await db.query<ArmRow>(
    "SELECT * FROM llm_experiment_arms WHERE experiment_id = $1 ORDER BY position",
    [id],
  );
  return toExperiment(row, arms);
}

/** draft → running. One experiment per processing type runs at a time. */
export async function startExperiment(db: Database, id: number): Promise<Experiment> {
  const experiment = await getExperiment(db, id);
  if (experiment.status !== "draft") {
    throw new ValidationError(
      `Experiment ${id} is ${experiment.status}; only a draft starts`,
      "id",
    );
  }
  const [running] = await db.query<{ id: number }>(
    "SELECT id FROM llm_experiments WHERE processing_type = $1 AND status = 'running'",
    [experiment.processingType],
  );
  if (running) {
    throw new ValidationError(
      `Experiment ${running.id} already runs for ${experiment.processingType}; stop it first`,
      "id",
    );
  }
  await db.query(
    "UPDATE llm_experiments SET status = 'running', started_at = now() WHERE id = $1 AND status = 'draft'",
    [id],
  );
  return getExperiment(db, id);
}

/** draft or running → stopped. Results stay; new runs go back to the default prompt. */
export async function stopExperiment(db: Queryable, id: number): Promise<Experiment> {
  const experiment = await getExperiment(db, id);
  if (experiment.status === "stopped") {
    throw new ValidationError(`Experiment ${id} is already stopped`, "id");
  }
  await db.query(
    "UPDATE llm_experiments SET status = 'stopped', stopped_at = now() WHERE id = $1",
    [id],
  );
  return getExperiment(db, id);
}

/**
 * Makes an arm the type's default as a new prompt version (so results made during the
 * experiment keep their own); a running experiment is stopped first.
 */
export async function promoteArm(db: Database, id: number, armName: string): Promise<Experiment> {
  const experiment = await getExperiment(db, id);
  const arm = experiment.arms.find((a) => a.name === armName);
  if (!arm) {
    throw new NotFoundError(
      `Experiment ${id} has no arm "${armName}" (arms: ${experiment.arms.map((a) => a.name).join(", ")})`,
    );
  }
  if (experiment.status === "draft") {
    throw new ValidationError(`Experiment ${id} has not run yet; start it first`, "id");
  }
  if (experiment.promotedArm !== null) {
    throw new ValidationError(
      `Experiment ${id} already promoted "${experiment.promotedArm}" (${experiment.promotedPromptVersion})`,
      "id",
    );
  }
  const version = promotedPromptVersion(experiment.processingType, id, arm.name);
  await db.transaction(async (tx) => {
    await tx.query(
      "UPDATE llm_prompt_versions SET is_default = false WHERE processing_type = $1 AND is_default",
      [experiment.processingType],
    );
    await tx.query(
      `INSERT INTO llm_prompt_versions (prompt_version, processing_type, system_text, temperature,
          model, is_default, experiment_id, arm)
       VALUES ($1, $2, $3, $4, $5, true, $6, $7)`,
      [
        version,
        experiment.processingType,
        arm.systemText,
        arm.temperature,
        arm.model,
        id,
        arm.name,
      ],
    );
    await tx.query(
      `UPDATE llm_experiments SET promoted_arm = $2, promoted_prompt_version = $3,
         status = 'stopped', stopped_at = coalesce(stopped_at, now())
       WHERE id = $1`,
      [id, arm.name, version],
    );
  });
  return getExperiment(db, id);
}

/** The default prompt version of a type set by a promotion; undefined = the built-in one. */
export async function defaultPromptVersion(
  db: Queryable,
  type: ProcessingType,
): Promise<string | undefined> {
  const [row] = await db.query<{ prompt_version: string }>(
    "SELECT prompt_version FROM llm_prompt_versions WHERE processing_type = $1 AND is_default",
    [type],
  );
  return row?.prompt_version;
}

interface ObservationRow {
  arm: string;
  calls: number;
  first_status: string | null;
  rejected: number;
  succeeded: boolean;
  verification_rejected: boolean;
  tokens: number;
  cost_usd: number;
  latency_ms: number;
  action: "approve" | "reject" | "edit" | null;
  review_ms: number | null;
  value: unknown;
  staff_value: unknown;
}

const REVIEW: Record<"approve" | "reject" | "edit", ReviewOutcome> = {
  approve: "approved",
  reject: "rejected",
  edit: "edited",
};

/** One observation per item processed in the experiment (animal × language). */
export async function readExperimentObservations(
  db: Queryable,
  experiment: Experiment,
): Promise<ArmItemObservation[]> {
  const rows = await db.query<ObservationRow>(
    `WITH calls AS (
       SELECT l.animal_id, coalesce(l.target_language, '') AS lang, l.experiment_arm AS arm,
              count(*) FILTER (WHERE l.status <> 'cache_hit')::int AS calls,
              (array_agg(l.status ORDER BY l.id) FILTER (WHERE l.status <> 'cache_hit'))[1] AS first_status,
              count(*) FILTER (WHERE l.status = 'rejected')::int AS rejected,
              bool_or(l.status IN ('succeeded', 'cache_hit')) AS succeeded,
              coalesce(bool_or(l.error_category LIKE 'verification%'), false) AS verification_rejected,
              sum(coalesce(l.prompt_tokens, 0) + coalesce(l.completion_tokens, 0))::float8 AS tokens,
              sum(coalesce(l.cost_usd, 0))::float8 AS cost_usd,
              sum(coalesce(l.latency_ms, 0))::float8 AS latency_ms
       FROM llm_processing_logs l
       WHERE l.experiment_id = $1 AND l.processing_type = $2 AND l.animal_id IS NOT NULL
       GROUP BY 1, 2, 3
     ),
     versions AS (
       SELECT DISTINCT ON (v.animal_id, v.target_language) v.id, v.animal_id, v.target_language,
              v.created_at, v.value
       FROM llm_result_versions v
       WHERE v.experiment_id = $1 AND v.processing_type = $2 AND v.origin = 'pipeline'
       ORDER BY v.animal_id, v.target_language, v.id
     ),
     reviews AS (
       SELECT DISTINCT ON (r.before_version_id) r.before_version_id, r.action, r.after_version_id,
              r.created_at
       FROM llm_review_actions r
       JOIN versions v ON v.id = r.before_version_id
       WHERE r.action IN ('approve', 'reject', 'edit')
       ORDER BY r.before_version_id, r.id
     )
     SELECT c.arm, c.calls, c.first_status, c.rejected, c.succeeded, c.verification_rejected,
            c.tokens, c.cost_usd, c.latency_ms, r.action,
            (extract(epoch FROM (r.created_at - v.created_at)) * 1000)::float8 AS review_ms,
            v.value, s.value AS staff_value
     FROM calls c
     LEFT JOIN versions v ON v.animal_id = c.animal_id AND v.target_language = c.lang
     LEFT JOIN reviews r ON r.before_version_id = v.id
     LEFT JOIN llm_result_versions s ON s.id = r.after_version_id AND r.action = 'edit'
     ORDER BY c.animal_id, c.lang`,
    [experiment.id, experiment.processingType],
  );
  return rows.map((row) => {
    const calls = Number(row.calls);
    const firstPassed =
      calls === 0 || row.first_status === "failed" ? null : row.first_status === "succeeded";
    const review = row.action === null ? null : REVIEW[row.action];
    return {
      arm: row.arm,
      firstAnswerPassed: firstPassed,
      reasked: calls >= 2 && Number(row.rejected) > 0,
      verificationRejected: row.verification_rejected,
      succeeded: row.succeeded,
      tokens: Number(row.tokens),
      costUsd: Number(row.cost_usd),
      latencyMs: Number(row.latency_ms),
      review,
      editSize: review === "edited" ? editShare(row.value, row.staff_value) : null,
      timeToReviewMs: row.review_ms === null ? null : Math.max(0, Number(row.review_ms)),
    };
  });
}

/** The text of a result: a string, or a profile's text fields joined. */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).join("\n");
  if (value !== null && typeof value === "object") {
    return Object.entries(value)
      .filter(([key]) => key !== "evidence")
      .map(([, v]) => textOf(v))
      .join("\n");
  }
  return typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}

/** Share of the output's words a staff edit changed (added or removed), at most 1. */
export function editShare(before: unknown, after: unknown): number {
  const a = textOf(before);
  const words = a.split(/\s+/).filter(Boolean).length;
  let changed = 0;
  for (const part of diffWords(a, textOf(after))) {
    if (part.added || part.removed) changed += part.value.split(/\s+/).filter(Boolean).length;
  }
  return Math.min(1, changed / Math.max(1, words));
}

/** The experiment with its report (metrics per arm, intervals, verdict). */
export async function loadExperimentReport(db: Queryable, id: number): Promise<ExperimentReport> {
  const experiment = await getExperiment(db, id);
  return buildExperimentReport(experiment, await readExperimentObservations(db, experiment));
}
