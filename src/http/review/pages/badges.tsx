// Small labelled badges: state is said in words, colour only helps.
import type { ReviewState } from "../../../review/review-types.js";

const STATE_TEXT: Record<ReviewState, string> = {
  to_review: "To review",
  approved: "Approved",
  rejected: "Rejected",
};

export function StateBadge(props: { readonly state: ReviewState | null }): JSX.Element {
  if (props.state === null) return <span class="badge muted">No result</span>;
  return (
    <span class={`badge state-${props.state}`} safe>
      {STATE_TEXT[props.state]}
    </span>
  );
}

export function Badge(props: {
  readonly kind: "published" | "unpublished" | "stale" | "flagged" | "failed" | "staff";
  readonly title?: string;
}): JSX.Element {
  const text = {
    published: "Published",
    unpublished: "Not published",
    stale: "Stale",
    flagged: "Flagged",
    failed: "Last attempt failed",
    staff: "Staff edit",
  }[props.kind];
  return (
    <span class={`badge ${props.kind}`} title={props.title} safe>
      {text}
    </span>
  );
}

export const TYPE_LABELS = {
  description_cleaning: "Cleaned description",
  dog_profiler: "Profile",
  translation: "Translation",
} as const;

export function itemLabel(type: keyof typeof TYPE_LABELS, language: string): string {
  return language === "" ? TYPE_LABELS[type] : `${TYPE_LABELS[type]} (${language})`;
}

export function formatTime(date: Date | null | undefined): string {
  if (!date) return "—";
  return date.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}
