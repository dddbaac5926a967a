// The review queue: items filtered by state, organization, type, language and a name or
// external-id prefix, in keyset order (animal id, type, language), with counts per state.
import type { ProcessingType } from "../config.js";
import type {
  QueueCounts,
  QueueCursor,
  QueueFilter,
  QueuePage,
  QueuePageRequest,
  QueueRow,
  QueueState,
  ReviewState,
} from "../review/review-types.js";
import type { Queryable } from "./database.js";

/** The condition of each queue state: a closed set of SQL fragments, never built from input. */
const STATE_SQL: Readonly<Record<QueueState, string>> = {
  to_review: "e.review_state = 'to_review'",
  approved: "e.review_state = 'approved'",
  rejected: "e.review_state = 'rejected'",
  failed: "e.status = 'failed'",
  flagged: "e.flagged",
  stale: "e.stale",
};

/** A LIKE pattern matching `text` as a prefix, with LIKE's own wildcards taken literally. */
export function prefixPattern(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

interface QueueRowData {
  animal_id: number;
  name: string;
  external_id: string | null;
  organization_id: number;
  organization_name: string;
  processing_type: ProcessingType;
  target_language: string;
  review_state: ReviewState | null;
  status: string;
  flagged: boolean;
  stale: boolean;
  staff_edited: boolean;
  published: boolean;
  published_is_current: boolean;
  model: string | null;
  flags: unknown;
  error: string | null;
  updated_at: Date | string | null;
}

function toQueueRow(row: QueueRowData): QueueRow {
  return {
    animalId: row.animal_id,
    name: row.name,
    externalId: row.external_id,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    processingType: row.processing_type,
    targetLanguage: row.target_language,
    reviewState: row.review_state,
    attemptStatus: row.status,
    flagged: row.flagged,
    stale: row.stale,
    staffEdited: row.staff_edited,
    published: row.published,
    publishedIsCurrent: row.published_is_current,
    model: row.model,
    flags: stringArray(row.flags),
    error: row.error,
    updatedAt: row.updated_at === null ? null : new Date(row.updated_at),
  };
}

export function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function filterParams(filter: QueueFilter): unknown[] {
  return [
    filter.organizationId ?? null,
    filter.processingType ?? null,
    filter.targetLanguage ?? null,
    filter.search === undefined || filter.search.trim() === ""
      ? null
      : prefixPattern(filter.search.trim()),
  ];
}

const FILTER_SQL = `($1::int IS NULL OR e.organization_id = $1)
  AND ($2::text IS NULL OR e.processing_type = $2)
  AND ($3::text IS NULL OR e.target_language = $3)
  AND ($4::text IS NULL OR lower(a.name) LIKE $4 OR lower(a.external_id) LIKE $4)`;

export async function listReviewQueue(
  db: Queryable,
  filter: QueueFilter,
  page: QueuePageRequest,
): Promise<QueuePage> {
  const backwards = page.before !== undefined && page.after === undefined;
  const cursor = backwards ? page.before : page.after;
  // One row more than asked tells whether another page follows.
  const rows = await db.query<QueueRowData>(
    `SELECT e.animal_id, a.name, a.external_id, e.organization_id, o.name AS organization_name,
            e.processing_type, e.target_language, e.review_state, e.status, e.flagged, e.stale,
            e.staff_version_id IS NOT NULL AS staff_edited,
            e.published_version_id IS NOT NULL AS published,
            e.published_version_id IS NOT NULL
              AND e.published_version_id = coalesce(e.staff_version_id, e.candidate_version_id)
              AS published_is_current,
            v.model, v.flags, e.error,
            greatest(e.processed_at, e.reviewed_at, v.created_at) AS updated_at
     FROM llm_enrichments e
     JOIN animals a ON a.id = e.animal_id
     JOIN organizations o ON o.id = e.organization_id
     LEFT JOIN llm_result_versions v ON v.id = coalesce(e.staff_version_id, e.candidate_version_id)
     WHERE ${STATE_SQL[filter.state]} AND ${FILTER_SQL}
       AND ($5::int IS NULL OR (e.animal_id, e.processing_type, e.target_language)
            ${backwards ? "<" : ">"} ($5::int, $6::text, $7::text))
       -- The same bound on the joined animals: a merge join would otherwise walk their
       -- primary key from the first animal up to the cursor.
       AND ($5::int IS NULL OR a.id ${backwards ? "<=" : ">="} $5::int)
     ORDER BY e.animal_id ${backwards ? "DESC" : "ASC"}, e.processing_type ${backwards ? "DESC" : "ASC"},
              e.target_language ${backwards ? "DESC" : "ASC"}
     LIMIT $8`,
    [
      ...filterParams(filter),
      cursor?.animalId ?? null,
      cursor?.processingType ?? null,
      cursor?.targetLanguage ?? null,
      page.limit + 1,
    ],
  );
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit).map(toQueueRow);
  if (backwards) shown.reverse();
  const first = shown[0];
  const last = shown[shown.length - 1];
  const position = (row: QueueRow | undefined): QueueCursor | undefined =>
    row && {
      animalId: row.animalId,
      processingType: row.processingType,
      targetLanguage: row.targetLanguage,
    };
  return {
    rows: shown,
    // Forwards: a next page when more rows followed; a previous one whenever we started later.
    nextCursor: backwards ? cursor && position(last) : more ? position(last) : undefined,
    prevCursor: backwards ? (more ? position(first) : undefined) : cursor && position(first),
  };
}

interface CountRow {
  to_review: number;
  approved: number;
  rejected: number;
  failed: number;
  flagged: number;
  stale: number;
}

/**
 * Counts per state under the filter (the state itself aside). Without a search they come from
 * llm_review_counts, which triggers keep; a search narrows to a few dogs, counted directly.
 */
export async function countReviewQueue(
  db: Queryable,
  filter: Omit<QueueFilter, "state">,
): Promise<QueueCounts> {
  const params = filterParams({ ...filter, state: "to_review" });
  const rows =
    params[3] === null
      ? await db.query<CountRow>(
          `SELECT coalesce(sum(to_review), 0)::int AS to_review,
                  coalesce(sum(approved), 0)::int AS approved,
                  coalesce(sum(rejected), 0)::int AS rejected,
                  coalesce(sum(failed), 0)::int AS failed,
                  coalesce(sum(flagged), 0)::int AS flagged,
                  coalesce(sum(stale), 0)::int AS stale
           FROM llm_review_counts c
           WHERE ($1::int IS NULL OR c.organization_id = $1)
             AND ($2::text IS NULL OR c.processing_type = $2)
             AND ($3::text IS NULL OR c.target_language = $3)`,
          params.slice(0, 3),
        )
      : await db.query<CountRow>(
          `SELECT (count(*) FILTER (WHERE e.review_state = 'to_review'))::int AS to_review,
                  (count(*) FILTER (WHERE e.review_state = 'approved'))::int AS approved,
                  (count(*) FILTER (WHERE e.review_state = 'rejected'))::int AS rejected,
                  (count(*) FILTER (WHERE e.status = 'failed'))::int AS failed,
                  (count(*) FILTER (WHERE e.flagged))::int AS flagged,
                  (count(*) FILTER (WHERE e.stale))::int AS stale
           FROM llm_enrichments e JOIN animals a ON a.id = e.animal_id
           WHERE ${FILTER_SQL}`,
          params,
        );
  const row = rows[0];
  return {
    to_review: row?.to_review ?? 0,
    approved: row?.approved ?? 0,
    rejected: row?.rejected ?? 0,
    failed: row?.failed ?? 0,
    flagged: row?.flagged ?? 0,
    stale: row?.stale ?? 0,
  };
}

export interface OrganizationChoice {
  readonly id: number;
  readonly name: string;
  readonly configId: string | null;
}

/** Organizations for the queue's filter. */
export async function listOrganizationChoices(db: Queryable): Promise<OrganizationChoice[]> {
  const rows = await db.query<{ id: number; name: string; config_id: string | null }>(
    "SELECT id, name, config_id FROM organizations ORDER BY name, id LIMIT 1000",
  );
  return rows.map((r) => ({ id: r.id, name: r.name, configId: r.config_id }));
}

/** Target languages that have items, for the queue's filter. */
export async function listQueueLanguages(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ target_language: string }>(
    `SELECT DISTINCT target_language FROM llm_review_counts
     WHERE target_language <> '' ORDER BY target_language`,
  );
  return rows.map((r) => r.target_language);
}

/** The previous and next dog around `animalId` in the queue under `filter` (one statement). */
export async function neighbourAnimals(
  db: Queryable,
  filter: QueueFilter,
  animalId: number,
): Promise<{ previous: number | undefined; next: number | undefined }> {
  const from = `FROM llm_enrichments e JOIN animals a ON a.id = e.animal_id
     WHERE ${STATE_SQL[filter.state]} AND ${FILTER_SQL}`;
  const rows = await db.query<{ previous: number | null; next: number | null }>(
    `SELECT (SELECT e.animal_id ${from} AND e.animal_id < $5 AND a.id < $5
             ORDER BY e.animal_id DESC LIMIT 1) AS previous,
            (SELECT e.animal_id ${from} AND e.animal_id > $5 AND a.id > $5
             ORDER BY e.animal_id ASC LIMIT 1) AS next`,
    [...filterParams(filter), animalId],
  );
  return { previous: rows[0]?.previous ?? undefined, next: rows[0]?.next ?? undefined };
}
