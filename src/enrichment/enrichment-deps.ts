import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { LlmClient } from "./llm-client.js";
import type { ResultCache } from "./result-cache.js";

/** What the three processing functions need; built once in a composition root. */
export interface EnrichmentDeps {
  readonly llm: LlmClient;
  readonly cache: ResultCache;
  readonly config: Config;
  readonly logger?: Pick<Logger, "warn" | "debug">;
}
