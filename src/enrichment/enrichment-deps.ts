import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { LlmClient } from "./llm-client.js";
import type { ResultCache } from "./result-cache.js";
import type { SharedAnswers } from "./shared-answers.js";

/** What the three processing functions need; built once in a composition root. */
export interface EnrichmentDeps {
  readonly llm: LlmClient;
  readonly cache: ResultCache;
  readonly config: Config;
  readonly logger?: Pick<Logger, "warn" | "debug">;
  /**
   * Where sibling items share one call (a run's translations of a listing into all of its
   * target languages); absent = every item asks on its own.
   */
  readonly sharedAnswers?: SharedAnswers;
}
