// Why an item was skipped without a call, as a stable code: summaries and `stats` count skips
// per code, and the code is the first flag stored with a skipped result.
export const SKIP_REASONS = {
  /** The source is shorter than the type needs (LLM_PROFILER_MIN_SOURCE_CHARS for profiles). */
  too_thin: "too thin",
  /** The listing has no narrative to work on. */
  no_source_text: "no source text",
  /** The listing's status says it is no longer up for adoption (LLM_SKIP_LISTING_STATUSES). */
  listing_inactive: "listing adopted/removed/inactive",
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

export function isSkipReason(value: unknown): value is SkipReason {
  return typeof value === "string" && Object.hasOwn(SKIP_REASONS, value);
}
