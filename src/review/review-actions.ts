// Approve, reject and edit one item (SPEC §5 POST /api/llm/review/:animal_id, and the
// review pages). Each runs on the locked item row in one transaction with its audit row.
import type { ProcessingType } from "../config.js";
import type { Database } from "../db/database.js";
import {
  approveItem,
  lockItem,
  lockOrCreateItem,
  rejectItem,
  saveStaffEdit,
  versionInEffectId,
  type ActionActor,
} from "../db/review-action-store.js";
import { findAnimalSource, findReviewItem } from "../db/review-item-store.js";
import { dogProfileSchema } from "../enrichment/dog-profile-schema.js";
import { processingTypeDefinition } from "../enrichment/processing-types/processing-types.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { checkStaffEdit, type StaffValue } from "./staff-edit-checks.js";
import type { ItemRef, ReviewActionKind, ReviewItem } from "./review-types.js";

export const MAX_REASON_CHARS = 1000;
export const MAX_EDIT_CHARS = 20_000;

export interface ReviewActionInput {
  readonly animalId: number;
  readonly processingType: ProcessingType;
  /** Required for translation, absent otherwise. */
  readonly targetLanguage?: string | undefined;
  readonly action: ReviewActionKind;
  /** The edited text (cleaning, translation). */
  readonly text?: string | undefined;
  /** The edited profile (dog_profiler). */
  readonly profile?: unknown;
  /** Required to reject; optional note otherwise. */
  readonly reason?: string | undefined;
}

export interface ReviewActionOutcome {
  readonly item: ReviewItem;
  /** The guards' findings on an edit (empty otherwise). */
  readonly findings: readonly string[];
}

export function itemRefOf(input: {
  animalId: number;
  processingType: ProcessingType;
  targetLanguage?: string | undefined;
}): ItemRef {
  const language = input.targetLanguage?.trim() ?? "";
  const { fansOutOverLanguages } = processingTypeDefinition(input.processingType);
  if (fansOutOverLanguages && language === "") {
    throw new ValidationError(
      `target_language: required for processing_type ${input.processingType}`,
      "target_language",
    );
  }
  if (!fansOutOverLanguages && language !== "") {
    throw new ValidationError(
      `target_language: does not apply to processing_type ${input.processingType}`,
      "target_language",
    );
  }
  return {
    animalId: input.animalId,
    processingType: input.processingType,
    targetLanguage: language,
  };
}

function staffValueOf(input: ReviewActionInput): StaffValue {
  if (input.processingType === "dog_profiler") {
    if (input.text !== undefined) {
      throw new ValidationError("text: a profile is edited as `profile`, not `text`", "text");
    }
    if (input.profile === undefined) {
      throw new ValidationError("profile: required to edit a dog_profiler result", "profile");
    }
    const parsed = dogProfileSchema.safeParse(input.profile);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = ["profile", ...(issue?.path ?? []).map(String)].join(".");
      throw new ValidationError(`${path}: ${issue?.message ?? "is invalid"}`, path);
    }
    return { kind: "profile", profile: parsed.data };
  }
  if (input.profile !== undefined) {
    throw new ValidationError("profile: only for processing_type dog_profiler", "profile");
  }
  const text = (input.text ?? "").replace(/\r\n?/g, "\n").trim();
  if (text === "") throw new ValidationError("text: required to edit this result", "text");
  if (text.length > MAX_EDIT_CHARS) {
    throw new ValidationError(`text: must be at most ${MAX_EDIT_CHARS} characters`, "text");
  }
  return { kind: "text", text };
}

function reasonOf(input: ReviewActionInput): string | null {
  const reason = input.reason?.trim() ?? "";
  if (reason.length > MAX_REASON_CHARS) {
    throw new ValidationError(`reason: must be at most ${MAX_REASON_CHARS} characters`, "reason");
  }
  if (input.action === "reject" && reason === "") {
    throw new ValidationError("reason: say why the result is rejected", "reason");
  }
  return reason === "" ? null : reason;
}

export async function applyReviewAction(
  db: Database,
  actor: ActionActor,
  input: ReviewActionInput,
): Promise<ReviewActionOutcome> {
  const ref = itemRefOf(input);
  const reason = reasonOf(input);
  const animal = await findAnimalSource(db, ref.animalId);
  if (!animal) throw new NotFoundError(`Unknown animal: ${ref.animalId}`);
  let findings: string[] = [];
  if (input.action === "edit") {
    const value = staffValueOf(input);
    findings = checkStaffEdit(animal, ref.processingType, ref.targetLanguage, value);
    const stored = value.kind === "profile" ? value.profile : value.text;
    await db.transaction(async (tx) => {
      const row = await lockOrCreateItem(tx, ref);
      await saveStaffEdit(tx, row, actor, stored, findings, reason);
    });
  } else {
    if (input.text !== undefined || input.profile !== undefined) {
      const field = input.text !== undefined ? "text" : "profile";
      throw new ValidationError(`${field}: only with action edit`, field);
    }
    await db.transaction(async (tx) => {
      const row = await lockItem(tx, ref);
      const versionId = row && versionInEffectId(row);
      if (!row || versionId === null || versionId === undefined) {
        throw new ValidationError(
          `action: nothing to ${input.action} — this item has no result yet`,
          "action",
        );
      }
      if (input.action === "approve") await approveItem(tx, row, actor, versionId);
      else await rejectItem(tx, row, actor, versionId, reason ?? "");
    });
  }
  const item = await findReviewItem(db, ref);
  if (!item) throw new Error("reviewed item vanished");
  return { item, findings };
}
