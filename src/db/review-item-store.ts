// One animal's review: its source, every item with its candidate, staff and published
// versions, every LLM attempt from llm_processing_logs and the audit trail.
import type { ProcessingType } from "../config.js";
import type {
  AnimalReview,
  AnimalSourceRecord,
  AttemptRecord,
  ItemRef,
  ResultVersion,
  ReviewActionRecord,
  ReviewItem,
  ReviewState,
  VersionOrigin,
} from "../review/review-types.js";
import type { Queryable } from "./database.js";
import { stringArray } from "./review-queue-store.js";

/** Attempts and audit rows shown per animal (newest first). */
const MAX_ATTEMPTS = 300;
const MAX_ACTIONS = 200;

interface AnimalRow {
  id: number;
  name: string;
  external_id: string | null;
  organization_id: number;
  organization_name: string;
  config_id: string | null;
  llm_config: unknown;
  breed: string | null;
  age_text: string | null;
  sex: string | null;
  size: string | null;
  language: string | null;
  status: string;
  adoption_url: string | null;
  description: string | null;
  enriched_description: string | null;
  dog_profiler_data: unknown;
  translations: unknown;
}

const ANIMAL_SQL = `SELECT a.id, a.name, a.external_id, a.organization_id, o.name AS organization_name,
       o.config_id, o.llm_config, a.breed, a.age_text, a.sex, a.size, a.language, a.status,
       a.adoption_url, a.properties->>'description' AS description, a.enriched_description,
       a.dog_profiler_data, a.translations
  FROM animals a JOIN organizations o ON o.id = a.organization_id`;

function toAnimal(row: AnimalRow): AnimalSourceRecord {
  return {
    id: row.id,
    name: row.name,
    externalId: row.external_id,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    organizationConfigId: row.config_id,
    organizationConfig: row.llm_config,
    breed: row.breed,
    ageText: row.age_text,
    sex: row.sex,
    size: row.size,
    language: row.language,
    status: row.status,
    adoptionUrl: row.adoption_url,
    description: row.description,
    enrichedDescription: row.enriched_description,
    dogProfilerData: row.dog_profiler_data,
    translations: row.translations,
  };
}

export async function findAnimalSource(
  db: Queryable,
  animalId: number,
): Promise<AnimalSourceRecord | undefined> {
  const rows = await db.query<AnimalRow>(`${ANIMAL_SQL} WHERE a.id = $1`, [animalId]);
  return rows[0] && toAnimal(rows[0]);
}

/** Animals whose external_id is exactly `externalId` (one per organization at most). */
export async function findAnimalsByExternalId(
  db: Queryable,
  externalId: string,
  organizationConfigId?: string,
): Promise<AnimalSourceRecord[]> {
  const rows = await db.query<AnimalRow>(
    `${ANIMAL_SQL} WHERE a.external_id = $1 AND ($2::text IS NULL OR o.config_id = $2) ORDER BY a.id LIMIT 20`,
    [externalId, organizationConfigId ?? null],
  );
  return rows.map(toAnimal);
}

interface VersionRow {
  id: number;
  origin: VersionOrigin;
  value: unknown;
  source_hash: string | null;
  prompt_version: string | null;
  model: string | null;
  flags: unknown;
  created_by: string | null;
  created_at: Date | string;
}

function toVersion(row: VersionRow): ResultVersion {
  return {
    id: Number(row.id),
    origin: row.origin,
    value: row.value,
    sourceHash: row.source_hash,
    promptVersion: row.prompt_version,
    model: row.model,
    flags: stringArray(row.flags),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
  };
}

export async function loadVersions(
  db: Queryable,
  ids: readonly number[],
): Promise<Map<number, ResultVersion>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<VersionRow>(
    `SELECT id, origin, value, source_hash, prompt_version, model, flags, created_by, created_at
     FROM llm_result_versions WHERE id = ANY($1::bigint[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [Number(r.id), toVersion(r)]));
}

export interface ItemStateRow {
  animal_id: number;
  processing_type: ProcessingType;
  target_language: string;
  status: string;
  error: string | null;
  flags: unknown;
  attempts: number;
  prompt_version: string | null;
  processed_at: Date | string | null;
  review_state: ReviewState | null;
  reviewed_by: string | null;
  reviewed_at: Date | string | null;
  review_reason: string | null;
  flagged: boolean;
  stale: boolean;
  candidate_version_id: number | string | null;
  staff_version_id: number | string | null;
  published_version_id: number | string | null;
  published_at: Date | string | null;
  published_by: string | null;
}

export const ITEM_COLUMNS = `e.animal_id, e.processing_type, e.target_language, e.status, e.error,
  e.flags, e.attempts, e.prompt_version, e.processed_at, e.review_state, e.reviewed_by,
  e.reviewed_at, e.review_reason, e.flagged, e.stale, e.candidate_version_id, e.staff_version_id,
  e.published_version_id, e.published_at, e.published_by`;

const date = (value: Date | string | null): Date | null =>
  value === null ? null : new Date(value);
const id = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

export function versionIdsOf(row: ItemStateRow): number[] {
  return [row.candidate_version_id, row.staff_version_id, row.published_version_id]
    .map(id)
    .filter((v): v is number => v !== null);
}

export function toReviewItem(row: ItemStateRow, versions: Map<number, ResultVersion>): ReviewItem {
  const version = (value: number | string | null) => {
    const key = id(value);
    return key === null ? undefined : versions.get(key);
  };
  return {
    animalId: row.animal_id,
    processingType: row.processing_type,
    targetLanguage: row.target_language,
    reviewState: row.review_state,
    reviewedBy: row.reviewed_by,
    reviewedAt: date(row.reviewed_at),
    reviewReason: row.review_reason,
    attemptStatus: row.status,
    attemptError: row.error,
    attemptFlags: stringArray(row.flags),
    attempts: row.attempts,
    attemptPromptVersion: row.prompt_version,
    processedAt: date(row.processed_at),
    flagged: row.flagged,
    stale: row.stale,
    candidate: version(row.candidate_version_id),
    staff: version(row.staff_version_id),
    published: version(row.published_version_id),
    publishedAt: date(row.published_at),
    publishedBy: row.published_by,
  };
}

/** The item, or undefined when the pipeline and staff have never touched it. */
export async function findReviewItem(db: Queryable, ref: ItemRef): Promise<ReviewItem | undefined> {
  const rows = await db.query<ItemStateRow>(
    `SELECT ${ITEM_COLUMNS} FROM llm_enrichments e
     WHERE e.animal_id = $1 AND e.processing_type = $2 AND e.target_language = $3`,
    [ref.animalId, ref.processingType, ref.targetLanguage],
  );
  const row = rows[0];
  if (!row) return undefined;
  return toReviewItem(row, await loadVersions(db, versionIdsOf(row)));
}

/** Items in a fixed order: cleaning, profile, then translations by language. */
export async function listReviewItems(db: Queryable, animalId: number): Promise<ReviewItem[]> {
  const rows = await db.query<ItemStateRow>(
    `SELECT ${ITEM_COLUMNS} FROM llm_enrichments e WHERE e.animal_id = $1
     ORDER BY array_position(ARRAY['description_cleaning', 'dog_profiler', 'translation']::text[],
                             e.processing_type::text), e.target_language`,
    [animalId],
  );
  const versions = await loadVersions(db, rows.flatMap(versionIdsOf));
  return rows.map((row) => toReviewItem(row, versions));
}

export async function loadAnimalReview(
  db: Queryable,
  animalId: number,
): Promise<AnimalReview | undefined> {
  const animal = await findAnimalSource(db, animalId);
  if (!animal) return undefined;
  const [items, attempts, actions] = await Promise.all([
    listReviewItems(db, animalId),
    listAttempts(db, animalId),
    listReviewActions(db, animalId),
  ]);
  return { animal, items, attempts, actions };
}

async function listAttempts(db: Queryable, animalId: number): Promise<AttemptRecord[]> {
  const rows = await db.query<{
    processing_type: ProcessingType;
    target_language: string | null;
    status: string;
    model: string | null;
    prompt_version: string | null;
    prompt_tokens: number | null;
    completion_tokens: number | null;
    cost_usd: number | null;
    latency_ms: number | null;
    error_category: string | null;
    error_message: string | null;
    created_at: Date | string;
  }>(
    `SELECT processing_type, target_language, status, model, prompt_version, prompt_tokens,
            completion_tokens, cost_usd::float8 AS cost_usd, latency_ms, error_category,
            error_message, created_at
     FROM llm_processing_logs WHERE animal_id = $1 ORDER BY id DESC LIMIT ${MAX_ATTEMPTS}`,
    [animalId],
  );
  return rows.map((r) => ({
    processingType: r.processing_type,
    targetLanguage: r.target_language ?? "",
    status: r.status,
    model: r.model,
    promptVersion: r.prompt_version,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    costUsd: r.cost_usd,
    latencyMs: r.latency_ms,
    errorCategory: r.error_category,
    errorMessage: r.error_message,
    createdAt: new Date(r.created_at),
  }));
}

async function listReviewActions(db: Queryable, animalId: number): Promise<ReviewActionRecord[]> {
  const rows = await db.query<{
    id: number | string;
    processing_type: ProcessingType;
    target_language: string;
    action: string;
    actor: string;
    via: string;
    reason: string | null;
    before_state: string | null;
    after_state: string | null;
    before_version_id: number | string | null;
    after_version_id: number | string | null;
    details: unknown;
    created_at: Date | string;
  }>(
    `SELECT id, processing_type, target_language, action, actor, via, reason, before_state,
            after_state, before_version_id, after_version_id, details, created_at
     FROM llm_review_actions WHERE animal_id = $1 ORDER BY id DESC LIMIT ${MAX_ACTIONS}`,
    [animalId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    processingType: r.processing_type,
    targetLanguage: r.target_language,
    action: r.action,
    actor: r.actor,
    via: r.via,
    reason: r.reason,
    beforeState: r.before_state,
    afterState: r.after_state,
    beforeVersionId: id(r.before_version_id),
    afterVersionId: id(r.after_version_id),
    details: r.details,
    createdAt: new Date(r.created_at),
  }));
}
