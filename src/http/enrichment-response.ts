// Turns a pipeline RunSummary into the SPEC §5 enrich response, or into the error it means.
import { isLlmErrorCategory, LlmError } from "../errors.js";
import type { RunSummary } from "../enrichment/pipeline/run-types.js";
import type { BatchEnrichResponse, EnrichResponse } from "./schemas/enrich-schemas.js";

/**
 * A run the provider stopped (bad key, no credit) is an outage for the API client: it becomes
 * the LlmError the error handler turns into 503. Other stops (budget) stay in the message.
 */
function throwIfProviderStopped(summary: RunSummary): void {
  // Every item failed because the provider call failed (after retries): an outage, not bad output.
  const failures = summary.items.filter((item) => item.status === "failed");
  const outage = failures[0]?.errorCategory;
  if (
    summary.succeeded === 0 &&
    failures.length > 0 &&
    outage !== undefined &&
    isLlmErrorCategory(outage) &&
    failures.every((item) => item.errorCategory === outage)
  ) {
    throw new LlmError(outage, `LLM provider failed: ${failures[0]?.reasons?.[0] ?? outage}`);
  }
  const code = summary.stopped?.code;
  if (code === undefined || !code.startsWith("llm_")) return;
  const category = code.slice("llm_".length);
  if (isLlmErrorCategory(category)) {
    throw new LlmError(category, summary.stopped?.message ?? "LLM run stopped");
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
  if (summary.skipped > 0) parts.push(`skipped ${plural(summary.skipped, "item")}`);
  let message =
    parts.length > 0
      ? parts.join(", ")
      : "nothing to do: already up to date for the current source and prompt (send force: true to redo)";
  if (summary.stopped) message += `; stopped early: ${summary.stopped.message}`;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export function toEnrichResponse(summary: RunSummary): EnrichResponse {
  throwIfProviderStopped(summary);
  return {
    success: summary.failed === 0 && summary.stopped === undefined,
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
