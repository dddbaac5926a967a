// `--dry-run`: what a run of the plan would do now, item by item — call the model, skip (and
// why), or answer from the cache — without any LLM call or write, and what the calls would
// cost at the model's listed price (OpenRouter's GET /models, through the ModelPrices port).
//
// Each candidate goes through the same code a run uses (processWorkItem) with an LLM client
// that refuses to call: whatever happens before the call (skips, cache lookups, text already
// in the target language) happens as in a run, and the refused call is counted instead.
import { createRunTokenTally } from "../estimate-tokens.js";
import type { LlmClient } from "../llm-client.js";
import { tokensCostUsd, type ModelPriceQuote, type ModelPrices } from "../model-prices.js";
import { sourceText } from "../processing-types/source-fields.js";
import { refreshingCache } from "../result-cache.js";
import { isSkipReason, type SkipReason } from "../skip-reason.js";
import { verificationApplies, verifierModel } from "../verification/claim-check.js";
import type { CandidateCursor, WorkItem } from "./enrichment-store.js";
import { processWorkItem } from "./process-work-item.js";
import { candidateFilter } from "./resolve-run-request.js";
import type { PipelineDeps } from "./run-enrichment.js";
import type { RunPlan } from "./run-request.js";
import type { DryRunSample, DryRunSummary } from "./run-types.js";

/** Thrown by the dry run's LLM client where a run would make its call. */
class WouldCall extends Error {
  constructor() {
    super("dry run: no LLM call");
  }
}

const REFUSING_CLIENT: LlmClient = {
  complete: () => Promise.reject(new WouldCall()),
};

/** Candidates read and tried per page (their cache lookups share one table read). */
const PAGE_SIZE = 200;
const SAMPLES = 3;

export async function planDryRun(
  deps: PipelineDeps & { readonly prices?: ModelPrices },
  plan: RunPlan,
  signal: AbortSignal = new AbortController().signal,
): Promise<DryRunSummary> {
  const { definition } = plan;
  const filter = candidateFilter(plan);
  const settled = await deps.store.countSettled(filter);
  const itemDeps = {
    config: deps.config,
    llm: REFUSING_CLIENT,
    // A forced run reads no cache: neither does its dry run.
    cache: plan.force ? refreshingCache(deps.cache) : deps.cache,
  };
  const tally = createRunTokenTally(definition.tokens);
  // Each call's output gets a claim check too, where LLM_VERIFY asks for one.
  const verifyTally = verificationApplies(deps.config, definition.name)
    ? createRunTokenTally(definition.verificationTokens)
    : undefined;
  const wouldSkip: Partial<Record<SkipReason, number>> = {};
  const samples: DryRunSample[] = [];
  // Animals whose shared call is counted already (a type that shares one across languages).
  const prompted = new Set<number>();
  let items = 0;
  let cached = 0;
  let withoutCall = 0;

  const tryItem = async (item: WorkItem): Promise<void> => {
    try {
      const outcome = await processWorkItem(itemDeps, definition, item, signal);
      const code = outcome.write.flags[0];
      if (outcome.write.status === "skipped" && isSkipReason(code)) {
        wouldSkip[code] = (wouldSkip[code] ?? 0) + 1;
      } else if (outcome.cacheHits > 0) cached += 1;
      else withoutCall += 1;
    } catch (error) {
      if (!(error instanceof WouldCall)) throw error;
      const text = sourceText(definition.sourceFields, item);
      // A run sends an animal's languages in one call (translation-set.ts): one prompt.
      const sharesPrompt =
        definition.sharesCallAcrossLanguages === true && prompted.has(item.animalId);
      if (definition.sharesCallAcrossLanguages) prompted.add(item.animalId);
      tally.add(text, { sharesPrompt });
      verifyTally?.add(text);
      if (samples.length < SAMPLES) {
        samples.push({
          animalId: item.animalId,
          name: item.name,
          ...(item.targetLanguage !== "" && { targetLanguage: item.targetLanguage }),
          sourceChars: text.length,
        });
      }
    }
  };

  let remaining = plan.limit ?? Number.POSITIVE_INFINITY;
  let cursor: CandidateCursor | undefined;
  while (remaining > 0) {
    const page = await deps.store.peekCandidates(filter, cursor, Math.min(PAGE_SIZE, remaining));
    if (page.length === 0) break;
    await Promise.all(page.map(tryItem));
    items += page.length;
    remaining -= page.length;
    const last = page[page.length - 1]!;
    cursor = { animalId: last.animalId, targetLanguage: last.targetLanguage };
  }

  const generation = tally.estimate();
  const verification = verifyTally?.estimate() ?? { promptTokens: 0, completionTokens: 0 };
  const tokens = {
    promptTokens: generation.promptTokens + verification.promptTokens,
    completionTokens: generation.completionTokens + verification.completionTokens,
  };
  const model = deps.config.llm.defaultModel;
  const judge = verifierModel(deps.config);
  const price = await quotePrice(deps.prices, model, signal);
  const judgePrice =
    verifyTally === undefined || judge === model
      ? price
      : await quotePrice(deps.prices, judge, signal);
  const cost = (which: "sync" | "batch") =>
    price.known && judgePrice.known
      ? Math.round(
          (tokensCostUsd(generation, price[which]) +
            tokensCostUsd(verification, judgePrice[which])) *
            1e6,
        ) / 1e6
      : undefined;
  return {
    itemCount: items,
    wouldCall: tally.calls,
    wouldSkip,
    cached,
    withoutCall,
    upToDate: settled.upToDate,
    heldByOtherRuns: await deps.store.countHeld(filter, ""),
    samples,
    estimatedPromptTokens: tokens.promptTokens,
    estimatedCompletionTokens: tokens.completionTokens,
    price,
    estimatedCostUsd: cost("sync"),
    estimatedBatchCostUsd: cost("batch"),
    verification:
      verifyTally === undefined
        ? undefined
        : { calls: verifyTally.calls, model: judge, ...verification },
  };
}

async function quotePrice(
  prices: ModelPrices | undefined,
  modelId: string,
  signal: AbortSignal,
): Promise<ModelPriceQuote> {
  if (prices === undefined) return { known: false, modelId, reason: "no price list configured" };
  try {
    return await prices.quote(modelId, { signal });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { known: false, modelId, reason: `the model list could not be read: ${why}` };
  }
}
