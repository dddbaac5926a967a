// What an experiment is: arms of one processing type, a lifecycle, and what the report reads
// per item. Stored by src/db/experiment-store.ts (migration 012).
import type { ProcessingType } from "../../config.js";

export const EXPERIMENT_STATUSES = ["draft", "running", "stopped"] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export const CONTROL_ARM = "control";

export interface ExperimentArm {
  readonly name: string;
  readonly weight: number;
  readonly bucketStart: number;
  readonly bucketEnd: number;
  readonly promptVersion: string;
  /** null: the type's default prompt (the control). */
  readonly systemText: string | null;
  readonly temperature: number | null;
  readonly model: string | null;
  /** The prompt file the text was read from, when it came from one. */
  readonly sourceFile: string | null;
}

export interface Experiment {
  readonly id: number;
  readonly name: string;
  readonly processingType: ProcessingType;
  /** organizations.id; null = every organization. */
  readonly organizationId: number | null;
  readonly status: ExperimentStatus;
  readonly arms: readonly ExperimentArm[];
  readonly promotedArm: string | null;
  readonly promotedPromptVersion: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly stoppedAt: Date | null;
}

export type ReviewOutcome = "approved" | "edited" | "rejected";

/** One item (animal × language) processed in an arm, as the report needs it. */
export interface ArmItemObservation {
  readonly arm: string;
  /** The first model answer passed the guards; null when the item made no model call. */
  readonly firstAnswerPassed: boolean | null;
  readonly reasked: boolean;
  readonly verificationRejected: boolean;
  readonly succeeded: boolean;
  readonly tokens: number;
  readonly costUsd: number;
  readonly latencyMs: number;
  /** The first staff action on the arm's output; null while unreviewed. */
  readonly review: ReviewOutcome | null;
  /** For an edit: the share of words changed (0..1). */
  readonly editSize: number | null;
  /** From the output's creation to its first review. */
  readonly timeToReviewMs: number | null;
}
