// The pipeline's port to the provider gate (src/llm/provider-gate.ts): it only listens for
// pauses, to shrink its window of calls in flight when the provider rate-limits.

export interface ProviderPauses {
  /** Calls `listener` with the pause length on every 429 pause; returns the unsubscribe. */
  onPause(listener: (ms: number) => void): () => void;
}
