// Why an item was skipped, as a stable code: summaries and `stats` count skips per code, and the
// code is the first flag stored with a skipped result. Most are decided before any call; the
// model's own answer can decide one too (no_trait_stated). A skip never replaces a stored value.
export const SKIP_REASONS = {
  /** The source is shorter than the type needs (LLM_PROFILER_MIN_SOURCE_CHARS for profiles). */
  too_thin: "too thin",
  /** The listing has no narrative to work on. */
  no_source_text: "no source text",
  /** The listing's status says it is no longer up for adoption (LLM_SKIP_LISTING_STATUSES). */
  listing_inactive: "listing adopted/removed/inactive",
  /** The profiler answered that the listing states no personality trait: no profile to write. */
  no_trait_stated: "no trait stated",
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

export function isSkipReason(value: unknown): value is SkipReason {
  return typeof value === "string" && Object.hasOwn(SKIP_REASONS, value);
}

/**
 * Counts by skip code as [code, count] pairs in the order SKIP_REASONS lists the codes (codes it
 * does not know last), so summaries print skips the same way on every run.
 */
export function skipReasonEntries(
  counts: Readonly<Partial<Record<string, number>>>,
): [string, number][] {
  const order = Object.keys(SKIP_REASONS);
  const rank = (code: string) => {
    const at = order.indexOf(code);
    return at < 0 ? order.length : at;
  };
  return Object.entries(counts)
    .filter((entry): entry is [string, number] => entry[1] !== undefined)
    .sort(([a], [b]) => rank(a) - rank(b));
}

/** A skip code's words for people (the code itself, spaced, when it is not one of ours). */
export function skipReasonLabel(code: string): string {
  return isSkipReason(code) ? SKIP_REASONS[code] : code.replaceAll("_", " ");
}
