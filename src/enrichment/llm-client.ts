// The core's port to a chat-completions provider. Implemented by src/llm/openrouter-client.ts;
// tests reach it through the fake OpenRouter server, never by mocking this interface.

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

export type ResponseFormat =
  | { readonly type: "json_object" }
  | {
      readonly type: "json_schema";
      readonly name: string;
      readonly schema: Record<string, unknown>;
    };

export interface LlmRequest {
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  /** Defaults to LLM_DEFAULT_MODEL; fallbacks from LLM_FALLBACK_MODELS go in `models[]`. */
  readonly model?: string;
  readonly maxTokens?: number;
  readonly responseFormat?: ResponseFormat;
  readonly signal?: AbortSignal;
  /**
   * Which work item asks (set by the pipeline, read only by a batch transport to tie a batch
   * request's custom_id to its item); a synchronous client ignores it.
   */
  readonly origin?: RequestOrigin;
  /**
   * The target languages whose items this one call answers (a translation into all of a
   * listing's languages at once): the pipeline names them all in the origin.
   */
  readonly sharedBy?: readonly string[];
}

export interface RequestOrigin {
  readonly animalId: number;
  readonly processingType: string;
  /**
   * '' for a type that does not fan out over languages; the languages joined by
   * SHARED_LANGUAGES_SEPARATOR for a call that answers several (LlmRequest.sharedBy).
   */
  readonly targetLanguage: string;
}

/** Joins the target languages of a call shared by several items ("de+es+fr"). */
export const SHARED_LANGUAGES_SEPARATOR = "+";

export interface LlmResponse {
  readonly content: string;
  /** The model that actually served the call (never `openrouter/auto`). */
  readonly model: string;
  readonly finishReason: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** USD as reported by the provider (`usage.cost`); 0 when it reports none. */
  readonly costUsd: number;
  readonly latencyMs: number;
  /** Attempts this call took, retries included (1 = first try succeeded). */
  readonly attempts: number;
  /** Set when the answer came through the provider's Batch API: that batch's id. */
  readonly providerBatchId?: string;
}

export interface LlmClient {
  /** One logical call with retries inside; throws LlmError when it finally fails. */
  complete(request: LlmRequest): Promise<LlmResponse>;
}
