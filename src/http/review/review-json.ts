// Domain → SPEC snake_case JSON for the review API (and `show --json`, `export`).
import type { ReviewMode } from "../../config.js";
import {
  versionInEffect,
  type AnimalReview,
  type QueueRow,
  type ReviewItem,
} from "../../review/review-types.js";

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const language = (value: string): string | null => (value === "" ? null : value);

export function publishedResultJson(item: ReviewItem) {
  const published = item.published;
  const current = versionInEffect(item);
  return {
    processing_type: item.processingType,
    target_language: language(item.targetLanguage),
    review_state: item.reviewState,
    published: published !== undefined,
    value: published?.value ?? null,
    origin: published?.origin ?? null,
    model: published?.model ?? null,
    prompt_version: published?.promptVersion ?? null,
    source_hash: published?.sourceHash ?? null,
    made_at: iso(published?.createdAt),
    made_by: published?.createdBy ?? null,
    published_at: iso(item.publishedAt),
    published_by: item.publishedBy,
    reviewed_by: item.reviewedBy,
    reviewed_at: iso(item.reviewedAt),
    review_reason: item.reviewReason,
    pending_review: current !== undefined && current.id !== published?.id,
    stale: item.stale,
    flagged: item.flagged,
    flags: [...(published?.flags ?? [])],
    last_attempt: {
      status: item.attemptStatus,
      at: iso(item.processedAt),
      error: item.attemptError,
      attempts: item.attempts,
    },
  };
}

export function animalEnrichmentJson(review: AnimalReview, reviewMode: ReviewMode) {
  const { animal } = review;
  return {
    animal_id: animal.id,
    external_id: animal.externalId,
    name: animal.name,
    organization: {
      id: animal.organizationId,
      config_id: animal.organizationConfigId,
      name: animal.organizationName,
    },
    review_mode: reviewMode,
    results: review.items
      .filter(
        (item) =>
          item.published !== undefined ||
          versionInEffect(item) !== undefined ||
          item.attemptStatus === "failed",
      )
      .map(publishedResultJson),
  };
}

export function queueRowJson(row: QueueRow) {
  return {
    animal_id: row.animalId,
    name: row.name,
    external_id: row.externalId,
    organization_id: row.organizationId,
    organization_name: row.organizationName,
    processing_type: row.processingType,
    target_language: language(row.targetLanguage),
    review_state: row.reviewState,
    attempt_status: row.attemptStatus,
    published: row.published,
    published_is_current: row.publishedIsCurrent,
    staff_edited: row.staffEdited,
    flagged: row.flagged,
    stale: row.stale,
    flags: [...row.flags],
    model: row.model,
    error: row.error,
    updated_at: iso(row.updatedAt),
  };
}
