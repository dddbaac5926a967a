// Which review mode applies to an organization: its llm_config.review_mode, else REVIEW_MODE.
import { REVIEW_MODES, type ReviewMode } from "../config.js";

export function effectiveReviewMode(
  organizationConfig: unknown,
  defaultMode: ReviewMode,
): ReviewMode {
  if (organizationConfig !== null && typeof organizationConfig === "object") {
    const value = (organizationConfig as Record<string, unknown>).review_mode;
    if (typeof value === "string" && (REVIEW_MODES as readonly string[]).includes(value)) {
      return value as ReviewMode;
    }
  }
  return defaultMode;
}
