// The review domain: items (animal × processing type × target language), their versions,
// review states and queue filters. Snake_case names appear only at the HTTP and CLI edges.
import type { ProcessingType } from "../config.js";

export const REVIEW_STATES = ["to_review", "approved", "rejected"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** What the queue filters on: the review states plus three conditions across them. */
export const QUEUE_STATES = [
  "to_review",
  "approved",
  "rejected",
  "failed",
  "flagged",
  "stale",
] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export const QUEUE_STATE_LABELS: Readonly<Record<QueueState, string>> = {
  to_review: "To review",
  approved: "Approved",
  rejected: "Rejected",
  failed: "Failed",
  flagged: "Flagged",
  stale: "Stale",
};

export const REVIEW_ACTIONS = ["approve", "reject", "edit"] as const;
export type ReviewActionKind = (typeof REVIEW_ACTIONS)[number];

export type VersionOrigin = "pipeline" | "staff" | "legacy";

/** One value an item had: a pipeline output, a staff edit, or a value found at migration. */
export interface ResultVersion {
  readonly id: number;
  readonly origin: VersionOrigin;
  /** Cleaned text or translation (string), or the profile object. */
  readonly value: unknown;
  readonly sourceHash: string | null;
  readonly promptVersion: string | null;
  readonly model: string | null;
  /** Guard flags of a pipeline output, or the guards' findings on a staff edit. */
  readonly flags: readonly string[];
  readonly createdBy: string | null;
  readonly createdAt: Date;
}

/** Identifies an item; `targetLanguage` is '' for the types without one. */
export interface ItemRef {
  readonly animalId: number;
  readonly processingType: ProcessingType;
  readonly targetLanguage: string;
}

export interface QueueFilter {
  readonly state: QueueState;
  readonly organizationId?: number;
  readonly processingType?: ProcessingType;
  /** A translation's target language. */
  readonly targetLanguage?: string;
  /** Case-insensitive prefix of the dog's name or external id. */
  readonly search?: string;
}

/** Keyset position: the queue is ordered by animal id, processing type, target language. */
export interface QueueCursor {
  readonly animalId: number;
  readonly processingType: ProcessingType;
  readonly targetLanguage: string;
}

export interface QueuePageRequest {
  readonly after?: QueueCursor;
  readonly before?: QueueCursor;
  readonly limit: number;
}

export interface QueueRow {
  readonly animalId: number;
  readonly name: string;
  readonly externalId: string | null;
  readonly organizationId: number;
  readonly organizationName: string;
  readonly processingType: ProcessingType;
  readonly targetLanguage: string;
  readonly reviewState: ReviewState | null;
  /** The last pipeline attempt's status. */
  readonly attemptStatus: string;
  readonly flagged: boolean;
  readonly stale: boolean;
  readonly staffEdited: boolean;
  /** Whether the version in effect is the one the animals columns hold. */
  readonly publishedIsCurrent: boolean;
  readonly published: boolean;
  readonly model: string | null;
  readonly flags: readonly string[];
  readonly error: string | null;
  readonly updatedAt: Date | null;
}

export interface QueuePage {
  readonly rows: readonly QueueRow[];
  readonly nextCursor: QueueCursor | undefined;
  readonly prevCursor: QueueCursor | undefined;
}

export type QueueCounts = Readonly<Record<QueueState, number>>;

/** One item of one animal with everything the dog page and the API show. */
export interface ReviewItem extends ItemRef {
  readonly reviewState: ReviewState | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: Date | null;
  readonly reviewReason: string | null;
  readonly attemptStatus: string;
  readonly attemptError: string | null;
  readonly attemptFlags: readonly string[];
  readonly attempts: number;
  readonly attemptPromptVersion: string | null;
  readonly processedAt: Date | null;
  readonly flagged: boolean;
  readonly stale: boolean;
  readonly candidate: ResultVersion | undefined;
  readonly staff: ResultVersion | undefined;
  readonly published: ResultVersion | undefined;
  readonly publishedAt: Date | null;
  readonly publishedBy: string | null;
}

/** The version a review action acts on: the staff edit when there is one, else the candidate. */
export function versionInEffect(item: ReviewItem): ResultVersion | undefined {
  return item.staff ?? item.candidate;
}

/** One LLM call (or cache hit) of an item, from llm_processing_logs. */
export interface AttemptRecord {
  readonly processingType: ProcessingType;
  readonly targetLanguage: string;
  readonly status: string;
  readonly model: string | null;
  readonly promptVersion: string | null;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly costUsd: number | null;
  readonly latencyMs: number | null;
  readonly errorCategory: string | null;
  readonly errorMessage: string | null;
  readonly createdAt: Date;
}

/** One row of the audit table. */
export interface ReviewActionRecord {
  readonly id: number;
  readonly processingType: ProcessingType;
  readonly targetLanguage: string;
  readonly action: string;
  readonly actor: string;
  readonly via: string;
  readonly reason: string | null;
  readonly beforeState: string | null;
  readonly afterState: string | null;
  readonly beforeVersionId: number | null;
  readonly afterVersionId: number | null;
  readonly details: unknown;
  readonly createdAt: Date;
}

export interface AnimalSourceRecord {
  readonly id: number;
  readonly name: string;
  readonly externalId: string | null;
  readonly organizationId: number;
  readonly organizationName: string;
  readonly organizationConfigId: string | null;
  readonly organizationConfig: unknown;
  readonly breed: string | null;
  readonly ageText: string | null;
  readonly sex: string | null;
  readonly size: string | null;
  readonly language: string | null;
  readonly status: string;
  readonly adoptionUrl: string | null;
  readonly description: string | null;
  readonly enrichedDescription: string | null;
  readonly dogProfilerData: unknown;
  readonly translations: unknown;
}

export interface AnimalReview {
  readonly animal: AnimalSourceRecord;
  readonly items: readonly ReviewItem[];
  readonly attempts: readonly AttemptRecord[];
  readonly actions: readonly ReviewActionRecord[];
}
