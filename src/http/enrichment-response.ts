// Turns a pipeline RunSummary into the SPEC §5 enrich response, or into the error it means.
import type { RunSummary } from "../enrichment/pipeline/run-types.js";
import { skipReasonEntries, skipReasonLabel } from "../enrichment/skip-reason.js";
import type { BatchEnrichResponse, EnrichResponse } from "./schemas/enrich-schemas.js";

/**
 * A run the provider could not serve is an outage for the API client: the provider's own
 * error is thrown, and the error handler turns it into 503. Other stops (budget, an
 * interrupt, a failed write) stay in the message of an ordinary answer.
 */
function throwIfProviderFailed(summary: RunSummary): void {
  if (summary.stop?.reason === "provider_refused") throw summary.stop.error;
  // Every item failed because the provider call failed (after retries): an outage, not bad output.
  const failures = summary.items.filter((item) => item.status === "failed");
  const outage = failures[0]?.providerError;
  if (
    summary.succeeded === 0 &&
    outage !== undefined &&
    failures.every((item) => item.providerError?.category === outage.category)
  ) {
    throw outage;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function messageFor(summary: RunSummary): string {
  const parts: string[] = [];
  if (summary.succeeded > 0) parts.push(`enriched ${plural(summary.succeeded, "item")}`);
  if (summary.failed > 0) {
    const reason = summary.items.find((item) => item.status === "failed")?.reasons?.[0];
    parts.push(`${plural(summary.failed, "item")} failed${reason ? ` (${reason})` : ""}`);
  }
  if (summary.skipped > 0) {
    const why = skipReasonEntries(summary.skippedByReason)
      .map(([code, n]) => `${skipReasonLabel(code)}: ${n}`)
      .join(", ");
    parts.push(`skipped ${plural(summary.skipped, "item")}${why ? ` (${why})` : ""}`);
  }
  let message =
    parts.length > 0
      ? parts.join(", ")
      : summary.heldByOtherRuns > 0 && summary.upToDate === 0
        ? "nothing to do now: another run holds these items"
        : "nothing to do: already up to date for the current source and prompt (send force: true to redo)";
  if (summary.stop) message += `; stopped early: ${summary.stop.error.message}`;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export function toEnrichResponse(summary: RunSummary): EnrichResponse {
  throwIfProviderFailed(summary);
  return {
    success: summary.failed === 0 && summary.stop === undefined,
    message: messageFor(summary),
    processed_count: summary.succeeded,
    failed_count: summary.failed,
    skipped_count: summary.skipped,
  };
}

export function toBatchEnrichResponse(summary: RunSummary): BatchEnrichResponse {
  return {
    ...toEnrichResponse(summary),
    results: summary.items.map((item) => ({
      animal_id: item.animalId,
      ...(item.targetLanguage !== undefined && { target_language: item.targetLanguage }),
      status: item.status,
      ...(item.reasons !== undefined && { reasons: [...item.reasons] }),
    })),
  };
}
