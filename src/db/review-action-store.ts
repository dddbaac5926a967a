// Review actions in SQL: approve (publish the version in effect), reject (withdraw it if it
// was published), edit (a staff version), each with its audit row, on a locked item row.
import type { ProcessingType } from "../config.js";
import { processingTypeDefinition } from "../enrichment/processing-types/processing-types.js";
import type { ItemRef, ReviewState } from "../review/review-types.js";
import type { Queryable } from "./database.js";
import { ITEM_COLUMNS, type ItemStateRow } from "./review-item-store.js";

export interface ActionActor {
  /** The API key's label (never the key). */
  readonly label: string;
  readonly via: "page" | "api";
}

/** What the animals columns of migration 005 become when a version is published or withdrawn. */
const PUBLISH_SQL: Readonly<Record<ProcessingType, string>> = {
  description_cleaning: `UPDATE animals SET enriched_description = $2::jsonb #>> '{}',
      llm_processed_at = now(), llm_model_used = coalesce($3, llm_model_used) WHERE id = $1`,
  dog_profiler: `UPDATE animals SET dog_profiler_data = $2::jsonb,
      llm_processed_at = now(), llm_model_used = coalesce($3, llm_model_used) WHERE id = $1`,
  translation: `UPDATE animals SET
      translations = coalesce(translations, '{}'::jsonb) || jsonb_build_object($4::text, $2::jsonb #>> '{}'),
      llm_processed_at = now(), llm_model_used = coalesce($3, llm_model_used) WHERE id = $1`,
};

const WITHDRAW_SQL: Readonly<Record<ProcessingType, string>> = {
  description_cleaning: "UPDATE animals SET enriched_description = NULL WHERE id = $1",
  dog_profiler: "UPDATE animals SET dog_profiler_data = NULL WHERE id = $1",
  translation: "UPDATE animals SET translations = translations - $2::text WHERE id = $1",
};

/** The item row, locked for this transaction; undefined when there is none. */
export async function lockItem(tx: Queryable, ref: ItemRef): Promise<ItemStateRow | undefined> {
  const rows = await tx.query<ItemStateRow>(
    `SELECT ${ITEM_COLUMNS} FROM llm_enrichments e
     WHERE e.animal_id = $1 AND e.processing_type = $2 AND e.target_language = $3
     FOR UPDATE`,
    [ref.animalId, ref.processingType, ref.targetLanguage],
  );
  return rows[0];
}

/** Creates the item row (for a staff edit of an item the pipeline never produced) and locks it. */
export async function lockOrCreateItem(tx: Queryable, ref: ItemRef): Promise<ItemStateRow> {
  await tx.query(
    `INSERT INTO llm_enrichments (animal_id, processing_type, target_language)
     VALUES ($1, $2, $3) ON CONFLICT (animal_id, processing_type, target_language) DO NOTHING`,
    [ref.animalId, ref.processingType, ref.targetLanguage],
  );
  const row = await lockItem(tx, ref);
  if (!row) throw new Error("item row vanished after insert");
  return row;
}

export function versionInEffectId(row: ItemStateRow): number | null {
  const value = row.staff_version_id ?? row.candidate_version_id;
  return value === null ? null : Number(value);
}

interface VersionValue {
  value: unknown;
  model: string | null;
}

async function versionValue(tx: Queryable, versionId: number): Promise<VersionValue> {
  const rows = await tx.query<VersionValue>(
    "SELECT value, model FROM llm_result_versions WHERE id = $1",
    [versionId],
  );
  if (!rows[0]) throw new Error(`version ${versionId} is missing`);
  return rows[0];
}

interface AuditEntry {
  readonly ref: ItemRef;
  readonly action: "approve" | "reject" | "edit" | "rerun";
  readonly actor: ActionActor;
  readonly reason: string | null;
  readonly before: ItemStateRow | undefined;
  readonly afterState: ReviewState | null;
  readonly afterVersionId: number | null;
  readonly afterPublishedVersionId: number | null;
  readonly details?: unknown;
}

export async function insertAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  const before = entry.before;
  await tx.query(
    `INSERT INTO llm_review_actions (animal_id, processing_type, target_language, action, actor, via,
        reason, before_state, after_state, before_version_id, after_version_id,
        before_published_version_id, after_published_version_id, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)`,
    [
      entry.ref.animalId,
      entry.ref.processingType,
      entry.ref.targetLanguage,
      entry.action,
      entry.actor.label,
      entry.actor.via,
      entry.reason,
      before?.review_state ?? null,
      entry.afterState,
      before ? versionInEffectId(before) : null,
      entry.afterVersionId,
      before?.published_version_id === null || before === undefined
        ? null
        : Number(before.published_version_id),
      entry.afterPublishedVersionId,
      entry.details === undefined ? null : JSON.stringify(entry.details),
    ],
  );
}

/** Publishes the version in effect and marks it approved. */
export async function approveItem(
  tx: Queryable,
  row: ItemStateRow,
  actor: ActionActor,
  versionId: number,
): Promise<void> {
  const ref = refOf(row);
  await tx.query(
    `UPDATE llm_enrichments SET review_state = 'approved', reviewed_by = $4, reviewed_at = now(),
       review_reason = NULL, published_version_id = $5, published_at = now(), published_by = $4
     WHERE animal_id = $1 AND processing_type = $2 AND target_language = $3`,
    [ref.animalId, ref.processingType, ref.targetLanguage, actor.label, versionId],
  );
  const version = await versionValue(tx, versionId);
  await tx.query(PUBLISH_SQL[ref.processingType], [
    ref.animalId,
    JSON.stringify(version.value),
    version.model,
    ...languageParameter(ref),
  ]);
  await insertAudit(tx, {
    ref,
    action: "approve",
    actor,
    reason: null,
    before: row,
    afterState: "approved",
    afterVersionId: versionId,
    afterPublishedVersionId: versionId,
  });
}

/** Marks the version in effect rejected; withdraws it from the animals columns if published. */
export async function rejectItem(
  tx: Queryable,
  row: ItemStateRow,
  actor: ActionActor,
  versionId: number,
  reason: string,
): Promise<{ withdrawn: boolean }> {
  const ref = refOf(row);
  const withdrawn =
    row.published_version_id !== null && Number(row.published_version_id) === versionId;
  await tx.query(
    `UPDATE llm_enrichments SET review_state = 'rejected', reviewed_by = $4, reviewed_at = now(),
       review_reason = $5,
       published_version_id = CASE WHEN $6::boolean THEN NULL ELSE published_version_id END,
       published_at = CASE WHEN $6::boolean THEN NULL ELSE published_at END,
       published_by = CASE WHEN $6::boolean THEN NULL ELSE published_by END
     WHERE animal_id = $1 AND processing_type = $2 AND target_language = $3`,
    [ref.animalId, ref.processingType, ref.targetLanguage, actor.label, reason, withdrawn],
  );
  if (withdrawn) {
    await tx.query(WITHDRAW_SQL[ref.processingType], [ref.animalId, ...languageParameter(ref)]);
  }
  await insertAudit(tx, {
    ref,
    action: "reject",
    actor,
    reason,
    before: row,
    afterState: "rejected",
    afterVersionId: versionId,
    afterPublishedVersionId: withdrawn
      ? null
      : row.published_version_id === null
        ? null
        : Number(row.published_version_id),
    details: { withdrawn },
  });
  return { withdrawn };
}

/**
 * Stores a staff version (with the guards' findings as its flags) and makes it the version
 * in effect, waiting for approval. Its source hash is the current one: it was written
 * against the listing as it is now.
 */
export async function saveStaffEdit(
  tx: Queryable,
  row: ItemStateRow,
  actor: ActionActor,
  value: unknown,
  findings: readonly string[],
  reason: string | null,
): Promise<number> {
  const ref = refOf(row);
  const inserted = await tx.query<{ id: number | string }>(
    `INSERT INTO llm_result_versions (animal_id, processing_type, target_language, origin, value,
        source_hash, flags, created_by)
     SELECT a.id, $2::text, $3::text, 'staff', $4::jsonb,
            llm_source_hash($2::text, $3::text, a.name, a.breed, a.age_text, a.sex, a.size, a.language,
                            a.properties->>'description', a.enriched_description, o.llm_config),
            $5::jsonb, $6
     FROM animals a JOIN organizations o ON o.id = a.organization_id WHERE a.id = $1
     RETURNING id`,
    [
      ref.animalId,
      ref.processingType,
      ref.targetLanguage,
      JSON.stringify(value),
      JSON.stringify(findings),
      actor.label,
    ],
  );
  const versionId = Number(inserted[0]?.id);
  await tx.query(
    `UPDATE llm_enrichments SET staff_version_id = $4, review_state = 'to_review',
       reviewed_by = NULL, reviewed_at = NULL, review_reason = NULL,
       flagged = $5, stale = false
     WHERE animal_id = $1 AND processing_type = $2 AND target_language = $3`,
    [ref.animalId, ref.processingType, ref.targetLanguage, versionId, findings.length > 0],
  );
  await insertAudit(tx, {
    ref,
    action: "edit",
    actor,
    reason,
    before: row,
    afterState: "to_review",
    afterVersionId: versionId,
    afterPublishedVersionId:
      row.published_version_id === null ? null : Number(row.published_version_id),
    details: { findings },
  });
  return versionId;
}

function refOf(row: ItemStateRow): ItemRef {
  return {
    animalId: row.animal_id,
    processingType: row.processing_type,
    targetLanguage: row.target_language,
  };
}

/** The language a type that fans out over languages keys its published column by. */
function languageParameter(ref: ItemRef): string[] {
  return processingTypeDefinition(ref.processingType).fansOutOverLanguages
    ? [ref.targetLanguage]
    : [];
}
