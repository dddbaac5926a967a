// The pipeline's port to storage: claim candidates, write results, log calls.
// Implemented with plain SQL in src/db/enrichment-store.ts.
import type { ProcessingType } from "../../config.js";
import type { LlmError } from "../../errors.js";
import type { PromptVariant } from "../experiments/prompt-variant.js";
import type { ProcessingTypeDefinition } from "../processing-types/processing-type-definition.js";

export interface CandidateFilter {
  readonly definition: ProcessingTypeDefinition;
  /** [""] for a type that does not fan out over target languages. */
  readonly targetLanguages: readonly string[];
  /** organizations.id */
  readonly organizationId: number | undefined;
  readonly animalIds: readonly number[] | undefined;
  readonly force: boolean;
}

/** Position after which the next page starts (keyset pagination). */
export interface CandidateCursor {
  readonly animalId: number;
  readonly targetLanguage: string;
}

/** One unit of work: an animal × processing type × target language, with its source. */
export interface WorkItem {
  readonly animalId: number;
  readonly targetLanguage: string;
  /** SHA-256 of the source fields as read; stored with the result. */
  readonly sourceHash: string;
  readonly name: string;
  readonly breed: string | null;
  readonly ageText: string | null;
  readonly sex: string | null;
  readonly size: string | null;
  readonly language: string | null;
  readonly description: string | null;
  readonly enrichedDescription: string | null;
  readonly organizationConfig: unknown;
  /**
   * The item's experiment arm, or its type's promoted default; undefined = the built-in
   * prompt. An arm's prompt version is also part of `sourceHash`.
   */
  readonly variant?: PromptVariant | undefined;
  /** animals.status (e.g. "adopted"): LLM_SKIP_LISTING_STATUSES skips some. */
  readonly listingStatus: string | null;
  /** Set by the run: this animal's target languages taken with this item (ProcessInput). */
  readonly languageGroup?: readonly string[];
}

export type ItemStatus = "succeeded" | "failed" | "skipped";

export interface ItemWrite {
  readonly animalId: number;
  readonly targetLanguage: string;
  readonly status: ItemStatus;
  readonly sourceHash: string;
  readonly promptVersion: string;
  readonly model: string | null;
  /** The result: cleaned text, profile object, or translated text. Only for `succeeded`. */
  readonly value: unknown;
  /** Guard flags (kept with a success) or failure reasons. */
  readonly flags: readonly string[];
  readonly error: string | null;
  /** For a failure caused by the provider call itself (not by the answer's checks). */
  readonly providerError?: LlmError;
  /** A forced run asked to replace a staff edit with this output (RunRequest.replaceStaffEdits). */
  readonly replaceStaffEdit?: boolean;
  /** The experiment arm the result was made with (its prompt version is in the source hash). */
  readonly experiment?: { readonly id: number; readonly arm: string } | undefined;
}

export interface CallLogRow {
  readonly animalId: number | null;
  readonly processingType: ProcessingType;
  readonly targetLanguage: string | null;
  readonly status: string;
  readonly model: string | null;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  readonly latencyMs: number;
  readonly errorCategory: string | null;
  readonly errorMessage: string | null;
  readonly runId: string | null;
  /** How the call reached the provider: one call at a time, or in a provider batch. */
  readonly transport?: "sync" | "batch";
  readonly providerBatchId?: string | null;
  /** The experiment arm the call was made for. */
  readonly experiment?: { readonly id: number; readonly arm: string } | undefined;
  /** `verification` for a claim check (LLM_VERIFY); the output's own call otherwise. */
  readonly callKind?: "generation" | "verification";
}

export interface CandidateTotals {
  readonly items: number;
  readonly sourceChars: number;
}

/** A run registered as live: its claims stay its own until end(), or until it is gone. */
export interface RunRegistration {
  readonly runId: string;
  /**
   * Called once if the store can no longer vouch for the run (its lock connection dropped):
   * its claims may be taken by others from then on.
   */
  onLost(listener: (error: Error) => void): void;
  /** Unregisters the run (after releaseClaims). */
  end(): Promise<void>;
}

/** Items of a filter that are not candidates now, by why. */
export interface SettledTotals {
  /** The stored result is for the same source hash and prompt version (none with force). */
  readonly upToDate: number;
}

export interface EnrichmentStore {
  /**
   * Registers `runId` as a live run. A claim names its run and is free as soon as that run
   * is gone (crashed, killed, disconnected), never while it lives; the lease is the backstop.
   */
  startRun(runId: string): Promise<RunRegistration>;
  /** Candidates of the filter claimed by live runs other than `owner`: this run skips them. */
  countHeld(filter: CandidateFilter, owner: string): Promise<number>;
  /** How many items the filter selects now (claims by other runs excluded). */
  countCandidates(filter: CandidateFilter): Promise<CandidateTotals>;
  /** How many items the filter's scope has that are not candidates, by why. */
  countSettled(filter: CandidateFilter): Promise<SettledTotals>;
  /** Candidates after `after` in run order, without claiming them (dry runs). */
  peekCandidates(
    filter: CandidateFilter,
    after: CandidateCursor | undefined,
    limit: number,
  ): Promise<WorkItem[]>;
  /** A few candidates without claiming them (dry runs). */
  sampleCandidates(filter: CandidateFilter, limit: number): Promise<WorkItem[]>;
  /** The first `limit` candidates' keys, in the order a run takes them (queued jobs with a limit). */
  listCandidateKeys(filter: CandidateFilter, limit: number): Promise<CandidateCursor[]>;
  /**
   * Claims up to `limit` candidates after `after` for `owner` for `leaseMs`; rows locked or
   * leased by another run are skipped, so two runs never hold the same item.
   */
  claimCandidates(
    filter: CandidateFilter,
    after: CandidateCursor | undefined,
    limit: number,
    owner: string,
    leaseMs: number,
  ): Promise<WorkItem[]>;
  /** Extends the lease of every item `owner` still holds. */
  renewClaims(owner: string, leaseMs: number): Promise<void>;
  /** Lets other runs take what `owner` holds but did not finish. */
  releaseClaims(owner: string): Promise<void>;
  /**
   * Writes results and their call logs: each inner array is one set-based statement group;
   * all of them commit together in one transaction (LLM_BATCH_COMMIT_FREQUENCY batches).
   */
  writeResults(
    definition: ProcessingTypeDefinition,
    batches: readonly (readonly ItemWrite[])[],
    logs: readonly CallLogRow[],
  ): Promise<void>;
}
