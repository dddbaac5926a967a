// Placeholder: replaced by the enrichment helper with deterministic answers that pass guards.
export interface FakeCompletionRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly temperature?: number;
  readonly response_format?: unknown;
}

/** The content a well-behaved model would answer for this request. */
export function answerLikeAModel(request: FakeCompletionRequest): string {
  const last = request.messages[request.messages.length - 1];
  return last?.content ?? "";
}
