// One limit on LLM calls in flight for a whole worker process, across the chunks it runs.
// Each chunk's run keeps its own window, but a chunk ends waiting on its slowest last calls
// and the next one first registers and claims: with the window per chunk only, the calls in
// flight dropped at every chunk boundary (1 worker: ~1.5 s of every ~4.5 s sent nothing).
// The worker runs one chunk more than its concurrency and this window keeps the total at
// concurrency × LLM_BATCH_CONCURRENT, so the extra chunk fills what a finishing one leaves.
import PQueue from "p-queue";
import type { LlmClient } from "../enrichment/llm-client.js";

export function shareCallWindow(llm: LlmClient, maxInFlight: number): LlmClient {
  const calls = new PQueue({ concurrency: maxInFlight });
  return {
    ...llm,
    complete: (request) =>
      // A call whose run stopped while it waited here never starts.
      calls.add(() => llm.complete(request), { signal: request.signal }),
  };
}
