// "Rerun one type for this dog now": a forced pipeline run for one item, recorded in the
// audit. A staff edit stands unless `replaceStaffEdits` is asked for.
import { SUPPORTED_LANGUAGES, type LanguageCode } from "../config.js";
import type { Database } from "../db/database.js";
import { insertAudit, type ActionActor } from "../db/review-action-store.js";
import { findReviewItem } from "../db/review-item-store.js";
import { resolveRunRequest } from "../enrichment/pipeline/resolve-run-request.js";
import { processingTypeDefinition } from "../enrichment/processing-types/processing-types.js";
import { runEnrichment, type PipelineDeps } from "../enrichment/pipeline/run-enrichment.js";
import type { RunSummary } from "../enrichment/pipeline/run-types.js";
import { ValidationError } from "../errors.js";
import type { ItemRef } from "./review-types.js";

export interface RerunOutcome {
  readonly status: "succeeded" | "failed" | "skipped" | "not_run";
  readonly reasons: readonly string[];
  readonly summary: RunSummary;
}

function isLanguageCode(value: string): value is LanguageCode {
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

export async function rerunItem(
  deps: { readonly db: Database; readonly pipeline: PipelineDeps },
  actor: ActionActor,
  ref: ItemRef,
  options: { readonly replaceStaffEdits?: boolean; readonly signal?: AbortSignal } = {},
): Promise<RerunOutcome> {
  if (
    processingTypeDefinition(ref.processingType).fansOutOverLanguages &&
    !isLanguageCode(ref.targetLanguage)
  ) {
    throw new ValidationError(
      `target_language: must be one of ${SUPPORTED_LANGUAGES.join(",")}`,
      "target_language",
    );
  }
  const before = await findReviewItem(deps.db, ref);
  const plan = await resolveRunRequest(deps.pipeline, {
    processingType: ref.processingType,
    animalIds: [ref.animalId],
    targetLanguages: isLanguageCode(ref.targetLanguage) ? [ref.targetLanguage] : undefined,
    force: true,
    replaceStaffEdits: options.replaceStaffEdits === true,
  });
  const summary = await runEnrichment(
    deps.pipeline,
    plan,
    options.signal !== undefined ? { signal: options.signal } : {},
  );
  const result = summary.items.find(
    (i) => i.animalId === ref.animalId && (i.targetLanguage ?? "") === ref.targetLanguage,
  );
  const status = result?.status ?? "not_run";
  const reasons = result?.reasons ?? (summary.stop ? [summary.stop.error.message] : []);
  const after = await findReviewItem(deps.db, ref);
  await deps.db.transaction(async (tx) => {
    await insertAudit(tx, {
      ref,
      action: "rerun",
      actor,
      reason: null,
      before: undefined,
      afterState: after?.reviewState ?? null,
      afterVersionId: (after?.staff ?? after?.candidate)?.id ?? null,
      afterPublishedVersionId: after?.published?.id ?? null,
      details: {
        status,
        reasons,
        replace_staff_edits: options.replaceStaffEdits === true,
        before_state: before?.reviewState ?? null,
        before_version_id: (before?.staff ?? before?.candidate)?.id ?? null,
      },
    });
  });
  return { status, reasons, summary };
}
