// What a second Ctrl-C prints before the process exits 130: the last progress a running
// command reported, so a user who quits hard still learns how far the run got.
import type { RunProgress } from "../enrichment/pipeline/run-types.js";

let latest: { readonly label: string; readonly progress: RunProgress } | undefined;

/** Called with each progress report of a run in this process. */
export function noteProgress(label: string, progress: RunProgress): void {
  latest = { label, progress };
}

/** One short line for the terminal, or a generic one when no run reported progress. */
export function interruptSummary(): string {
  if (latest === undefined) return "Interrupted twice: quit at once (exit 130).";
  const { label, progress: p } = latest;
  return (
    `Interrupted twice: ${label} quit at once (exit 130) after ${p.done}/${p.total} item(s): ` +
    `ok ${p.succeeded}, failed ${p.failed}, skipped ${p.skipped}, $${p.costUsd.toFixed(4)} spent. ` +
    "Results already written are kept; a rerun does the rest once this run's claims expire."
  );
}
