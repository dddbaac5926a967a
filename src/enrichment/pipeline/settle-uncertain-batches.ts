// A submission whose answer never came (the connection dropped, the run was killed while
// submitting) may or may not have created a batch, and OpenRouter has no idempotency key.
// Re-sending its requests could pay for them twice; leaving it unresolved strands them. So at
// the start of a run the provider's batch list is read: a batch of the same model and request
// count, created around the same time and recorded as no other batch of ours, is that
// submission — it is opened again and resumed like any open batch. None: it never arrived, and
// it is abandoned (its items are pending). Several: it stays uncertain, for a person.
import type { BatchApi, ProviderBatch } from "../batch-api.js";
import type { BatchStore, UncertainBatch } from "./batch-store.js";
import type { PipelineLogger } from "./run-enrichment.js";

/** How far a provider's creation time may sit from ours (clocks, a slow submission). */
const CLOCK_SLACK_MS = 2 * 60_000;
/** List pages read at most (20 batches each by default, newest first). */
const MAX_LIST_PAGES = 25;

export async function settleUncertainBatches(deps: {
  readonly api: BatchApi;
  readonly store: BatchStore;
  readonly processingType: string;
  readonly logger?: PipelineLogger | undefined;
  readonly signal?: AbortSignal | undefined;
}): Promise<{ readonly found: number; readonly abandoned: number }> {
  const uncertain = await deps.store.uncertainBatches(deps.processingType);
  if (uncertain.length === 0) return { found: 0, abandoned: 0 };
  const oldest = Math.min(...uncertain.map((u) => u.createdAtMs)) - CLOCK_SLACK_MS;
  const listed: ProviderBatch[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const { batches, nextAfter } = await deps.api.list({
      ...(after !== undefined && { after }),
      ...(deps.signal && { signal: deps.signal }),
    });
    listed.push(...batches);
    after = nextAfter;
    const last = batches[batches.length - 1];
    if (after === undefined || last === undefined || last.createdAtMs < oldest) break;
  }
  const recorded = await deps.store.recordedProviderBatchIds(listed.map((b) => b.id));
  const unclaimed = listed.filter((b) => !recorded.has(b.id));
  let found = 0;
  let abandoned = 0;
  for (const batch of uncertain) {
    const matches = unclaimed.filter((b) => sameSubmission(batch, b));
    if (matches.length === 1) {
      const match = matches[0]!;
      await deps.store.settleUncertain(batch.id, match, "found in the provider's batch list");
      unclaimed.splice(unclaimed.indexOf(match), 1);
      deps.logger?.warn(
        { batch: batch.id, providerBatch: match.id },
        "an uncertain batch submission was found in the provider's batch list; resuming it",
      );
      found += 1;
    } else if (matches.length === 0) {
      await deps.store.settleUncertain(
        batch.id,
        undefined,
        "the submission is not in the provider's batch list: it never arrived; its items are pending again",
      );
      abandoned += 1;
    } else {
      deps.logger?.warn(
        { batch: batch.id, candidates: matches.map((m) => m.id) },
        "an uncertain batch submission matches several provider batches; left for a person (rescue-llm batches)",
      );
    }
  }
  return { found, abandoned };
}

function sameSubmission(ours: UncertainBatch, theirs: ProviderBatch): boolean {
  return (
    theirs.model === ours.model &&
    theirs.requestCounts.total === ours.requestCount &&
    Math.abs(theirs.createdAtMs - ours.createdAtMs) <= CLOCK_SLACK_MS
  );
}
