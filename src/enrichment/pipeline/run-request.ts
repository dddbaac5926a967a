// What a caller (CLI, HTTP, queue) asks of the pipeline, and the plan it becomes once
// resolveRunRequest has checked it. Only a resolved plan can be run, dry-run or queued.
import type { LanguageCode, ProcessingType } from "../../config.js";
import type { ProcessingTypeDefinition } from "../processing-types/processing-type-definition.js";
import type { OrganizationKey, OrganizationRef } from "./listing-directory.js";
import type { RunProgress } from "./run-types.js";

/** Unchecked input, as parsed by an edge; absent and `undefined` mean the same. */
export interface RunRequest {
  readonly processingType: ProcessingType;
  /** Only this organization's animals: its numeric id or its config_id. */
  readonly organization?: OrganizationRef | undefined;
  /** Only these animals (API enrich and batch-enrich, queue chunks). */
  readonly animalIds?: readonly number[] | undefined;
  /** Only for a type that fans out over languages; default LLM_TRANSLATION_LANGUAGES. */
  readonly targetLanguages?: readonly LanguageCode[] | undefined;
  /**
   * At most this many items: an item is one animal × target language that needs work (one
   * per animal for types without languages), taken in id order. The same everywhere: CLI,
   * API and both queues.
   */
  readonly limit?: number | undefined;
  /** Rows per write statement; default LLM_BATCH_DEFAULT_SIZE, at most LLM_BATCH_MAX_SIZE. */
  readonly batchSize?: number | undefined;
  /** Redo items whose result already matches the source hash and prompt version. */
  readonly force?: boolean | undefined;
  /**
   * With `force`: a new output replaces a staff edit. Without it a staff edit stands, and a
   * rerun's output is kept only as the candidate beside it.
   */
  readonly replaceStaffEdits?: boolean | undefined;
  /**
   * `batch`: through the provider's Batch API (about half price, answers within hours);
   * `sync`: one call at a time. Default from LLM_BATCH_API (off → sync, on → batch, auto →
   * batch for runs of at least LLM_BATCH_API_MIN_ITEMS items).
   */
  readonly mode?: "sync" | "batch" | undefined;
}

/** How the caller's input fields are called, so that an error names the field the caller sent. */
export type RequestFieldNames = Readonly<
  Record<Exclude<keyof RunRequest, "processingType" | "force" | "mode">, string>
>;

/** Marks the plans resolveRunRequest made: nothing else sets it, so nothing else makes a plan. */
export const RESOLVED: unique symbol = Symbol("resolved run plan");

/** A checked request with its defaults applied. */
export interface RunPlan {
  readonly [RESOLVED]: true;
  readonly definition: ProcessingTypeDefinition;
  readonly organization: OrganizationKey | undefined;
  /** Ascending, without repeats; every one exists. */
  readonly animalIds: readonly number[] | undefined;
  /** Sorted, without repeats; empty for a type that does not fan out over languages. */
  readonly targetLanguages: readonly LanguageCode[];
  /** Items (see RunRequest.limit). */
  readonly limit: number | undefined;
  readonly batchSize: number;
  readonly force: boolean;
  /** Only ever true together with `force`. */
  readonly replaceStaffEdits: boolean;
  /** `auto` decides by the item count when the run starts (LLM_BATCH_API=auto). */
  readonly transport: "sync" | "batch" | "auto";
}

/** How one run of a plan is driven and watched (not part of what the plan asks for). */
export interface RunControl {
  /** Identifies the run in llm_processing_logs and in claims; generated when absent. */
  readonly runId?: string;
  /** Abort = stop taking items, finish in-flight calls, flush writes, return the summary. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
}
