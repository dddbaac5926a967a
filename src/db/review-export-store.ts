// Every item's value in effect, streamed by keyset pages so an export of 100,000 dogs never
// holds more than one page in memory.
import type { ProcessingType } from "../config.js";
import type { ReviewState, VersionOrigin } from "../review/review-types.js";
import type { Queryable } from "./database.js";
import { stringArray } from "./review-queue-store.js";

export interface ExportFilter {
  readonly organizationId?: number;
  /** Only what a person approved and what is published. */
  readonly approvedOnly: boolean;
}

export interface ExportRow {
  readonly animalId: number;
  readonly externalId: string | null;
  readonly organization: string | null;
  readonly name: string;
  readonly processingType: ProcessingType;
  readonly targetLanguage: string;
  readonly reviewState: ReviewState | null;
  readonly published: boolean;
  readonly origin: VersionOrigin;
  readonly value: unknown;
  readonly model: string | null;
  readonly promptVersion: string | null;
  readonly sourceHash: string | null;
  readonly madeAt: Date;
  readonly madeBy: string | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: Date | null;
  readonly stale: boolean;
  readonly flagged: boolean;
  readonly flags: readonly string[];
}

interface Row {
  animal_id: number;
  external_id: string | null;
  config_id: string | null;
  name: string;
  processing_type: ProcessingType;
  target_language: string;
  review_state: ReviewState | null;
  published: boolean;
  origin: VersionOrigin;
  value: unknown;
  model: string | null;
  prompt_version: string | null;
  source_hash: string | null;
  created_at: Date | string;
  created_by: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | string | null;
  stale: boolean;
  flagged: boolean;
  flags: unknown;
}

export async function* streamExportRows(
  db: Queryable,
  filter: ExportFilter,
  pageSize = 500,
): AsyncGenerator<ExportRow> {
  let after: [number, string, string] = [0, "", ""];
  for (;;) {
    const rows = await db.query<Row>(
      `SELECT e.animal_id, a.external_id, o.config_id, a.name, e.processing_type, e.target_language,
              e.review_state, e.published_version_id IS NOT NULL AND e.published_version_id = v.id AS published,
              v.origin, v.value, v.model, v.prompt_version, v.source_hash, v.created_at, v.created_by,
              e.reviewed_by, e.reviewed_at, e.stale, e.flagged, v.flags
       FROM llm_enrichments e
       JOIN llm_result_versions v ON v.id = coalesce(e.staff_version_id, e.candidate_version_id)
       JOIN animals a ON a.id = e.animal_id
       JOIN organizations o ON o.id = a.organization_id
       WHERE ($1::int IS NULL OR e.organization_id = $1)
         AND (NOT $2::boolean OR (e.review_state = 'approved' AND e.published_version_id = v.id))
         AND (e.animal_id, e.processing_type, e.target_language) > ($3::int, $4::text, $5::text)
         AND a.id >= $3::int
       ORDER BY e.animal_id, e.processing_type, e.target_language
       LIMIT $6`,
      [filter.organizationId ?? null, filter.approvedOnly, ...after, pageSize],
    );
    for (const r of rows) {
      yield {
        animalId: r.animal_id,
        externalId: r.external_id,
        organization: r.config_id,
        name: r.name,
        processingType: r.processing_type,
        targetLanguage: r.target_language,
        reviewState: r.review_state,
        published: r.published,
        origin: r.origin,
        value: r.value,
        model: r.model,
        promptVersion: r.prompt_version,
        sourceHash: r.source_hash,
        madeAt: new Date(r.created_at),
        madeBy: r.created_by,
        reviewedBy: r.reviewed_by,
        reviewedAt: r.reviewed_at === null ? null : new Date(r.reviewed_at),
        stale: r.stale,
        flagged: r.flagged,
        flags: stringArray(r.flags),
      };
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    after = [last.animal_id, last.processing_type, last.target_language];
  }
}
