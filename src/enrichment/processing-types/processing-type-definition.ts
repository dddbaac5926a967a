// What a processing type is. Each type is one object of this shape (one file per type, listed
// in processing-types.ts); everything that differs between types reads it from there.
import type { ProcessingType } from "../../config.js";
import type { AnimalSource } from "../animal-source.js";
import type { EnrichmentDeps } from "../enrichment-deps.js";
import type { PromptVariant } from "../experiments/prompt-variant.js";
import type { TokenProfile } from "../estimate-tokens.js";
import type { ProcessingOutcome } from "../processing-outcome.js";
import type { SourceFields } from "./source-fields.js";

/**
 * The animals column a type's accepted results go to. The SQL that writes each one lives in
 * src/db/enrichment-store.ts, in a switch the type checker keeps complete.
 */
export type ResultColumn = "enriched_description" | "dog_profiler_data" | "translations";

export interface ProcessInput {
  readonly animal: AnimalSource;
  /** ISO 639-1 target of this item; "" for a type that does not fan out over languages. */
  readonly targetLanguage: string;
  readonly signal: AbortSignal;
  /** The item's experiment arm or promoted prompt version; undefined = the built-in prompt. */
  readonly variant?: PromptVariant | undefined;
  /**
   * The target languages of this animal's items taken together with this one (sorted, this
   * one's included): a type may answer them with one call (translation). Absent = alone.
   */
  readonly languageGroup?: readonly string[];
}

export interface ProcessingTypeDefinition<T extends ProcessingType = ProcessingType> {
  readonly name: T;
  /** The LLM_FEATURE_* variable that switches the type off (CLI exit 2, HTTP 403). */
  readonly featureVariable: string;
  /** Stored with each result: another version redoes the item, and keys another cache entry. */
  readonly promptVersion: string;
  /** One item per animal and target language (true), or one per animal (false). */
  readonly fansOutOverLanguages: boolean;
  /**
   * One call answers all of an animal's target languages taken together (ProcessInput's
   * languageGroup); only for a type that fans out over languages.
   */
  readonly sharesCallAcrossLanguages?: boolean;
  /** What an item's result is made from (hashed in SQL to tell a changed source). */
  readonly sourceFields: SourceFields;
  readonly resultColumn: ResultColumn;
  /** Temperatures allowed for the type (its LLM_TEMPERATURE_* and any prompt variant's). */
  readonly temperatureRange: { readonly min: number; readonly max: number };
  /** For dry-run estimates: prompt overhead per call and the expected answer size. */
  readonly tokens: TokenProfile;
  /** For dry-run estimates: the verification call (LLM_VERIFY) an output of this type gets. */
  readonly verificationTokens: TokenProfile;
  /** Runs the type on one item: the value to store, the reasons there is none, or a skip. */
  process(deps: EnrichmentDeps, input: ProcessInput): Promise<ProcessingOutcome<unknown>>;
}
