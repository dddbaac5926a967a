// One work item through its processing function, turned into the row to write and the
// call-log rows. Fatal provider errors (401, 402) propagate: the run must stop.
import { AppError } from "../../errors.js";
import type { AnimalSource } from "../animal-source.js";
import type { EnrichmentDeps } from "../enrichment-deps.js";
import { itemLogger } from "../item-logger.js";
import { inactiveListingSkip } from "../listing-status.js";
import { parseOrganizationOverrides } from "../organization-overrides.js";
import { SHARED_LANGUAGES_SEPARATOR, type LlmClient } from "../llm-client.js";
import type { LlmCallRecord, ProcessingOutcome } from "../processing-outcome.js";
import type { ProcessingTypeDefinition } from "../processing-types/processing-type-definition.js";
import { NO_MODEL } from "../translate-text.js";
import type { CallLogRow, ItemWrite, WorkItem } from "./enrichment-store.js";

export interface ItemOutcome {
  readonly write: ItemWrite;
  readonly logs: readonly Omit<CallLogRow, "runId">[];
  readonly llmCalls: number;
  /** Of them, claim checks (LLM_VERIFY). */
  readonly verificationCalls: number;
  readonly cacheHits: number;
  readonly costUsd: number;
  /** The item failed only because the provider kept answering 429: worth another go later. */
  readonly rateLimited: boolean;
}

export async function processWorkItem(
  deps: EnrichmentDeps,
  definition: ProcessingTypeDefinition,
  item: WorkItem,
  signal: AbortSignal,
): Promise<ItemOutcome> {
  let animal: AnimalSource;
  try {
    animal = toAnimalSource(item);
  } catch (error) {
    const reason = error instanceof AppError ? error.message : "invalid organization llm_config";
    return outcomeOf(item, definition, {
      status: "failed",
      reasons: [reason],
      promptVersion: item.variant?.promptVersion ?? definition.promptVersion,
      sourceLanguage: undefined,
      calls: [],
    });
  }
  const inactive = inactiveListingSkip(item.listingStatus, deps.config.skipListingStatuses);
  if (inactive !== undefined) return outcomeOf(item, definition, inactive);
  // Every line logged about this item names it (animal, type, language).
  const logger =
    deps.logger &&
    itemLogger(deps.logger, ["warn", "debug"], {
      animalId: item.animalId,
      processingType: definition.name,
      targetLanguage: item.targetLanguage === "" ? null : item.targetLanguage,
    });
  // Every call of this item names it, so that a batch transport can map its answer back.
  const origin = {
    animalId: item.animalId,
    processingType: definition.name,
    targetLanguage: item.targetLanguage,
  };
  const llm: LlmClient = {
    complete: ({ sharedBy, ...request }) =>
      deps.llm.complete({
        ...request,
        origin: sharedBy
          ? { ...origin, targetLanguage: sharedBy.join(SHARED_LANGUAGES_SEPARATOR) }
          : origin,
      }),
  };
  const outcome = await definition.process(
    { ...deps, llm, ...(logger && { logger }) },
    {
      animal,
      targetLanguage: item.targetLanguage,
      signal,
      variant: item.variant,
      ...(item.languageGroup && { languageGroup: item.languageGroup }),
    },
  );
  return outcomeOf(item, definition, outcome);
}

function toAnimalSource(item: WorkItem): AnimalSource {
  return {
    id: item.animalId,
    // The importer stores a missing name as '' (the column is NOT NULL): it means no name.
    name: item.name.trim() === "" ? null : item.name,
    breed: item.breed,
    ageText: item.ageText,
    sex: item.sex,
    size: item.size,
    language: item.language,
    description: item.description,
    enrichedDescription: item.enrichedDescription,
    organizationOverrides: parseOrganizationOverrides(item.organizationConfig ?? {}),
  };
}

const LOG_STATUS: Record<LlmCallRecord["status"], string> = {
  accepted: "succeeded",
  rejected: "rejected",
  declined: "declined",
  error: "failed",
};

function outcomeOf(
  item: WorkItem,
  definition: ProcessingTypeDefinition,
  outcome: ProcessingOutcome<unknown>,
): ItemOutcome {
  const calls = outcome.calls;
  const experiment = item.variant?.experiment ?? undefined;
  const logs = calls.map((c) => ({
    animalId: item.animalId,
    processingType: definition.name,
    targetLanguage: item.targetLanguage === "" ? null : item.targetLanguage,
    status: c.cacheHit ? "cache_hit" : LOG_STATUS[c.status],
    model: c.model,
    promptTokens: c.promptTokens,
    completionTokens: c.completionTokens,
    costUsd: c.costUsd,
    latencyMs: c.latencyMs,
    errorCategory: c.errorCategory ?? (c.status === "rejected" ? "guard_failed" : null),
    errorMessage: c.reasons?.join("; ") ?? null,
    transport: c.providerBatchId !== undefined ? ("batch" as const) : ("sync" as const),
    providerBatchId: c.providerBatchId ?? null,
    callKind: c.callKind ?? "generation",
    ...(experiment && { experiment }),
  }));
  const base = {
    animalId: item.animalId,
    targetLanguage: item.targetLanguage,
    sourceHash: item.sourceHash,
    promptVersion: item.variant?.promptVersion ?? definition.promptVersion,
    ...(experiment && { experiment }),
  };
  const providerError = calls[calls.length - 1]?.error;
  const language = outcome.sourceLanguage ? [`source_language:${outcome.sourceLanguage}`] : [];
  const write: ItemWrite =
    outcome.status === "succeeded"
      ? {
          ...base,
          status: "succeeded",
          // Text already in the target language needs no model; record none rather than "none".
          model: outcome.model === NO_MODEL ? null : outcome.model,
          value: outcome.value,
          flags: [...outcome.flags, ...language],
          error: null,
        }
      : outcome.status === "failed"
        ? {
            ...base,
            status: "failed",
            model: null,
            value: null,
            flags: outcome.reasons,
            error: outcome.reasons.join("; "),
            ...(providerError !== undefined && { providerError }),
          }
        : {
            ...base,
            status: "skipped",
            model: null,
            value: null,
            // The code first: summaries and stats count skips by it.
            flags: [outcome.code, outcome.reason, ...(outcome.flags ?? [])],
            error: null,
          };
  const last = calls[calls.length - 1];
  return {
    write,
    logs,
    llmCalls: calls.filter((c) => !c.cacheHit).length,
    verificationCalls: calls.filter((c) => !c.cacheHit && c.callKind === "verification").length,
    cacheHits: calls.filter((c) => c.cacheHit).length,
    costUsd: calls.reduce((sum, c) => sum + c.costUsd, 0),
    rateLimited: outcome.status === "failed" && last?.errorCategory === "rate_limited",
  };
}
