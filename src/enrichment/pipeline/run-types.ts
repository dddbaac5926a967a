// What a run reports while it runs and when it ends. Field names are the domain's; the SPEC's
// snake_case JSON is made from them at the edges (src/contract/).
import type { LlmError } from "../../errors.js";
import type { ModelPriceQuote } from "../model-prices.js";
import type { SkipReason } from "../skip-reason.js";
import type { RunStop } from "./run-stop.js";

export interface RunProgress {
  /** Items the run will take (what needs work, capped by the limit). */
  readonly total: number;
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly llmCalls: number;
  readonly cacheHits: number;
  readonly costUsd: number;
  readonly elapsedMs: number;
}

export interface ItemResult {
  readonly animalId: number;
  /** Absent for a type that does not fan out over languages. */
  readonly targetLanguage?: string;
  readonly status: "succeeded" | "failed" | "skipped";
  readonly reasons?: readonly string[];
  /** Set when the provider call failed (e.g. an outage), not the output's checks. */
  readonly providerError?: LlmError;
}

export interface RunSummary {
  /** Items whose outcome was written: succeeded + failed + skipped. */
  readonly processed: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  /** `skipped` by why (a code per reason; only reasons that occurred). */
  readonly skippedByReason: Readonly<Partial<Record<SkipReason, number>>>;
  /**
   * Percent of the attempted items (succeeded + failed) that succeeded, one decimal; skips do
   * not count. Undefined when nothing was attempted: there is no rate to speak of.
   */
  readonly successRatePercent: number | undefined;
  /** Items the run left alone because their result is current (same source and prompt). */
  readonly upToDate: number;
  /** Items left alone because another run holds them (its claim has not expired). */
  readonly heldByOtherRuns: number;
  readonly processingTimeMs: number;
  readonly llmCalls: number;
  readonly cacheHits: number;
  readonly costUsd: number;
  /** Why the run ended early; undefined when it ran out of items. */
  readonly stop: RunStop | undefined;
  /** Every item when the caller named its animals; else up to 100 failures. */
  readonly items: readonly ItemResult[];
}

export interface DryRunSample {
  readonly animalId: number;
  readonly name: string;
  /** Absent for a type that does not fan out over languages. */
  readonly targetLanguage?: string;
  readonly sourceChars: number;
}

export interface DryRunSummary {
  /** Items a run of the same plan would take now (capped by the limit). */
  readonly itemCount: number;
  /** Of those, the ones that would call the model. */
  readonly wouldCall: number;
  /** …that would be skipped without a call, by reason. */
  readonly wouldSkip: Readonly<Partial<Record<SkipReason, number>>>;
  /** …that the cache would answer. */
  readonly cached: number;
  /** …that need no call at all (e.g. text already in the target language). */
  readonly withoutCall: number;
  /** Items not taken: their result is current. */
  readonly upToDate: number;
  readonly heldByOtherRuns: number;
  /** A few of the items that would call the model. */
  readonly samples: readonly DryRunSample[];
  /** Tokens of the calls a run would make (first attempts; re-asks not included). */
  readonly estimatedPromptTokens: number;
  readonly estimatedCompletionTokens: number;
  /** The default model's listed price, or why there is none. */
  readonly price: ModelPriceQuote;
  /** Undefined when the price is unknown (e.g. openrouter/auto). */
  readonly estimatedCostUsd: number | undefined;
}
