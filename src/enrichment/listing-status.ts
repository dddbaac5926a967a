// Listings no longer up for adoption (the aggregator's animals.status: adopted, removed,
// inactive — LLM_SKIP_LISTING_STATUSES) are skipped with that reason, before any call.
import type { ProcessingOutcome } from "./processing-outcome.js";

/** Stored with the skip, so that a listing whose status changes since is taken again. */
export function listingStatusFlag(status: string | null): string {
  return `listing_status:${(status ?? "").trim().toLowerCase()}`;
}

export function inactiveListingSkip(
  status: string | null,
  skipStatuses: readonly string[],
): Extract<ProcessingOutcome<never>, { status: "skipped" }> | undefined {
  const normalized = (status ?? "").trim().toLowerCase();
  if (normalized === "" || !skipStatuses.includes(normalized)) return undefined;
  return {
    status: "skipped",
    code: "listing_inactive",
    reason: `the listing's status is "${normalized}" (LLM_SKIP_LISTING_STATUSES)`,
    flags: [listingStatusFlag(status)],
    sourceLanguage: undefined,
    calls: [],
  };
}
