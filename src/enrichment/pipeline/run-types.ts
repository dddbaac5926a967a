// What a caller (CLI, HTTP, queue worker) asks of the batch pipeline and what it gets back.
import type { LanguageCode, ProcessingType } from "../../config.js";

export interface RunRequest {
  readonly processingType: ProcessingType;
  /** Limit to one organization (organizations.config_id). */
  readonly organizationConfigId?: string;
  /** Limit to these animals (API batch-enrich, queue chunks). */
  readonly animalIds?: readonly number[];
  /** Translation targets; default LLM_TRANSLATION_LANGUAGES. Ignored by other types. */
  readonly targetLanguages?: readonly LanguageCode[];
  /** At most this many items. */
  readonly limit?: number;
  /** Rows per write statement; default LLM_BATCH_DEFAULT_SIZE, capped by LLM_BATCH_MAX_SIZE. */
  readonly batchSize?: number;
  /** Redo items whose result already matches the source hash and prompt version. */
  readonly force?: boolean;
  /**
   * With `force`: a new output replaces a staff edit. Without it a staff edit stands, and a
   * rerun's output is kept only as the candidate beside it.
   */
  readonly replaceStaffEdits?: boolean;
  /** Identifies the run in llm_processing_logs and in claims; generated when absent. */
  readonly runId?: string;
  /** Abort = stop taking items, finish in-flight calls, flush writes, return the summary. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
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
  readonly targetLanguage?: string;
  readonly status: "succeeded" | "failed" | "skipped";
  readonly reasons?: readonly string[];
  /** Set when the provider call failed (e.g. `provider_unavailable`), not the output's checks. */
  readonly errorCategory?: string;
}

/** Field names are the SPEC §4 `--json` summary names. */
export interface RunSummary {
  readonly total_processed: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  /** Percent of processed items that succeeded, one decimal. */
  readonly success_rate: number;
  /** Seconds. */
  readonly processing_time: number;
  readonly llm_calls: number;
  readonly cache_hits: number;
  readonly cost_usd: number;
  /** Why the run ended early, if it did. */
  readonly stopped?: { readonly code: string; readonly message: string };
  readonly items: readonly ItemResult[];
}

export interface DryRunSummary {
  readonly would_process: number;
  readonly samples: readonly {
    animalId: number;
    name: string;
    targetLanguage?: string;
    sourceChars: number;
  }[];
  readonly estimated_prompt_tokens: number;
  readonly estimated_completion_tokens: number;
  readonly estimated_cost_usd: number;
}
