// The batch pipeline: stream candidates by keyset pages, claim them, keep a sliding window of
// LLM calls in flight (not fixed batches waiting on their slowest member), and write results
// in set-based batches behind the calls. Used by the CLI, the HTTP API and the queue workers,
// always on a plan from resolveRunRequest.
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import PQueue from "p-queue";
import type { Config } from "../../config.js";
import {
  BudgetExceededError,
  LlmError,
  ResultsNotWrittenError,
  RunInterruptedError,
  RunLostError,
} from "../../errors.js";
import type { Logger } from "../../logger.js";
import { sleep } from "../../sleep.js";
import type { BatchApi } from "../batch-api.js";
import { SHARED_LANGUAGES_SEPARATOR, type LlmClient } from "../llm-client.js";
import { createSharedAnswers } from "../shared-answers.js";
import { isSkipReason, type SkipReason } from "../skip-reason.js";
import type { ModelPrices, TokenPricesUsd } from "../model-prices.js";
import { refreshingCache, type ResultCache } from "../result-cache.js";
import { createAdaptiveWindow } from "./adaptive-window.js";
import { createItemCallSlot, type ItemCallSlot } from "./item-call-slots.js";
import type { AdoptedBatch, BatchStore, BusyBatch } from "./batch-store.js";
import {
  BatchItemReturnedError,
  BatchWaitStoppedError,
  createBatchTransport,
  type BatchTransport,
} from "./batch-transport.js";
import type { CandidateCursor, EnrichmentStore, ItemWrite, WorkItem } from "./enrichment-store.js";
import type { ListingDirectory } from "./listing-directory.js";
import { processWorkItem } from "./process-work-item.js";
import { settleUncertainBatches } from "./settle-uncertain-batches.js";
import { splitLastAnimal, withLanguageGroups } from "./language-groups.js";
import type { ProviderPauses } from "./provider-pauses.js";
import { candidateFilter } from "./resolve-run-request.js";
import { createResultWriter } from "./result-writer.js";
import type { RunControl, RunPlan } from "./run-request.js";
import type { RunStop } from "./run-stop.js";
import type { ItemResult, RunProgress, RunSummary } from "./run-types.js";

export type PipelineLogger = Pick<Logger, "warn" | "error" | "debug">;

export interface PipelineDeps {
  readonly config: Config;
  readonly llm: LlmClient;
  readonly cache: ResultCache;
  readonly store: EnrichmentStore;
  /** What requests may name: organizations and animals (resolveRunRequest). */
  readonly directory: ListingDirectory;
  /** Shared with the LLM client's hooks: a 429 pauses every call and shrinks the window. */
  readonly gate: ProviderPauses;
  readonly logger?: PipelineLogger;
  /** How long a claim holds without renewal; a crashed run's items free up after it. */
  readonly claimLeaseMs?: number;
  /** Pause between write retries (tests shorten it). */
  readonly writeRetryDelayMs?: number;
  /** The provider's Batch API and where its batches are recorded (batch mode). */
  readonly batchApi?: BatchApi;
  readonly batchStore?: BatchStore;
  /** Model prices (GET /models): dry-run estimates, and a batch's cost shared among its requests. */
  readonly prices?: ModelPrices;
  /** Submit pending batch requests after this long without a new one (tests shorten it). */
  readonly batchIdleFlushMs?: number;
}

/** Why a run goes through the Batch API, or why it does not. */
function chooseTransport(
  deps: PipelineDeps,
  plan: RunPlan,
  items: number,
): { batch: boolean; why: string } {
  if (deps.batchApi === undefined || deps.batchStore === undefined)
    return { batch: false, why: "no Batch API configured" };
  if (plan.transport === "sync") return { batch: false, why: "synchronous run" };
  if (plan.transport === "batch") return { batch: true, why: "batch mode requested" };
  if (deps.config.llm.defaultModel === AUTO_MODEL)
    return { batch: false, why: "openrouter/auto cannot run in a batch" };
  const min = deps.config.batchApi.minItems;
  return items >= min
    ? { batch: true, why: `${items} items ≥ LLM_BATCH_API_MIN_ITEMS (${min})` }
    : { batch: false, why: `${items} items < LLM_BATCH_API_MIN_ITEMS (${min})` };
}

const AUTO_MODEL = "openrouter/auto";
/** Items claimed per page in batch mode (one batch can take up to the provider's limit). */
const BATCH_PAGE_SIZE = 500;

/** Items a rate-limited failure may go back to the queue before it counts as failed. */
const MAX_RATE_LIMIT_REQUEUES = 5;
/**
 * Result transactions in flight at once. Each holds other items; they meet only on the review
 * counts rows (migration 010), which every writer locks in key order, so a later one waits there
 * for an earlier one's commit instead of for its every round trip.
 */
const CONCURRENT_COMMITS = 2;
/** Items collected in the summary when the caller did not name its animals. */
const MAX_REPORTED_ITEMS = 100;

/** Thrown into an item waiting for a call slot once the run stops taking work. */
class IntakeStopped extends Error {
  constructor() {
    super("the run stopped before this item's call started");
  }
}

export async function runEnrichment(
  deps: PipelineDeps,
  plan: RunPlan,
  control: RunControl = {},
): Promise<RunSummary> {
  const { config, store } = deps;
  const { definition, batchSize } = plan;
  const filter = candidateFilter(plan);
  const owner = control.runId ?? `run-${randomUUID()}`;
  const leaseMs = deps.claimLeaseMs ?? 60_000;
  const startedAt = performance.now();
  let openBatches: string[] = [];

  // Registered before anything is claimed: every claim names a run that is live until it
  // ends, and is free for others the moment it is gone (src/db/run-registry.ts).
  const registration = await store.startRun(owner);
  let totals;
  let heldAtStart;
  let settled;
  try {
    totals = await store.countCandidates(filter);
    heldAtStart = await store.countHeld(filter, owner);
    settled = await store.countSettled(filter);
  } catch (error) {
    await registration.end().catch(() => {});
    throw error;
  }
  let total = Math.min(totals.items, plan.limit ?? Number.POSITIVE_INFINITY);

  // Batch mode: first take over the batches a stopped run of this type left open (their
  // items are claimed until the batch ends, so no other run can submit them again).
  let adopted: AdoptedBatch[] = [];
  let busyBatches: BusyBatch[] = [];
  if (deps.batchApi !== undefined && deps.batchStore !== undefined) {
    const staleAfterMs = batchStaleAfterMs(config.batchApi.pollIntervalMs);
    const adopt = () =>
      deps.batchStore!.adoptOpenBatches({ processingType: definition.name, owner, staleAfterMs });
    ({ adopted, busy: busyBatches } = await adopt());
    // A submission nobody knows the fate of: found in the provider's list it is resumed too.
    try {
      const settled = await settleUncertainBatches({
        api: deps.batchApi,
        store: deps.batchStore,
        processingType: definition.name,
        logger: deps.logger,
        signal: control.signal,
      });
      if (settled.found > 0) ({ adopted, busy: busyBatches } = await adopt());
    } catch (error) {
      deps.logger?.warn(
        { err: error },
        "reading the provider's batch list failed; uncertain submissions stay as they are",
      );
    }
    // A run killed a moment ago still looks alive: give its heartbeat the time to go stale
    // once, so that a restart right after a kill resumes its batches instead of skipping them.
    const youngest = Math.min(...busyBatches.map((b) => b.heartbeatAgeMs));
    if (busyBatches.length > 0 && !control.signal?.aborted) {
      const waitMs = Math.max(0, staleAfterMs - youngest) + 50;
      deps.logger?.warn(
        { batches: busyBatches.map((b) => b.providerBatchId), waitMs },
        "provider batches of this type were polled moments ago by another run; waiting to see whether it is still alive",
      );
      try {
        await sleep(waitMs, control.signal);
      } catch {
        // Interrupted: go on with what is free now.
      }
      const again = await adopt();
      adopted = again.adopted;
      busyBatches = again.busy;
    }
    for (const b of busyBatches) {
      deps.logger?.warn(
        { batch: b.providerBatchId, owner: b.owner, lastSeenMs: b.heartbeatAgeMs },
        "a provider batch of this type is being waited for by another run; its items are left to it",
      );
    }
  }
  const choice = chooseTransport(deps, plan, total);
  const batchMode = choice.batch || adopted.length > 0;
  let transport: BatchTransport | undefined;
  if (batchMode && deps.batchApi !== undefined && deps.batchStore !== undefined) {
    let batchPrices: TokenPricesUsd | undefined;
    try {
      const quote = await deps.prices?.quote(config.llm.defaultModel);
      if (quote?.known) batchPrices = quote.batch;
    } catch (error) {
      deps.logger?.warn(
        { err: error },
        "model prices unavailable; batch cost as the provider reports it",
      );
    }
    transport = createBatchTransport({
      api: deps.batchApi,
      store: deps.batchStore,
      model: config.llm.defaultModel,
      owner,
      processingType: definition.name,
      pollIntervalMs: config.batchApi.pollIntervalMs,
      ...(deps.batchIdleFlushMs !== undefined && { idleFlushMs: deps.batchIdleFlushMs }),
      batchPrices,
      ...(deps.logger && { logger: deps.logger }),
      onChange: () => control.onProgress?.(progress()),
      // Calls for another model than the batch's (LLM_VERIFY_MODEL, an arm's) go synchronously.
      otherModels: deps.llm,
    });
    transport.adopt(adopted);
  }
  const counts = {
    done: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    llmCalls: 0,
    verificationCalls: 0,
    cacheHits: 0,
    returned: 0,
  };
  const skippedByReason: Partial<Record<SkipReason, number>> = {};
  let costUsd = 0;
  const collectAll = plan.animalIds !== undefined;
  const items: ItemResult[] = [];
  const report = (write: ItemWrite, status: ItemResult["status"], reasons: readonly string[]) => {
    if (!collectAll && (status !== "failed" || items.length >= MAX_REPORTED_ITEMS)) return;
    items.push({
      animalId: write.animalId,
      ...(write.targetLanguage !== "" && { targetLanguage: write.targetLanguage }),
      status,
      ...(reasons.length > 0 && { reasons }),
      ...(write.providerError !== undefined && { providerError: write.providerError }),
    });
  };
  const progress = (): RunProgress => ({
    total,
    ...counts,
    costUsd,
    elapsedMs: performance.now() - startedAt,
    heldByOtherRuns: heldAtStart,
    ...(transport && { batch: transport.progress() }),
  });

  // `stopTaking` ends the intake (Ctrl-C, budget, fatal error); `abandon` also cancels calls
  // in flight, for errors after which no call can succeed (401, 402).
  const stopTaking = new AbortController();
  const abandon = new AbortController();
  // Every call in flight listens on `abandon`; more than Node's default 10 is expected.
  setMaxListeners(config.batch.concurrent * 2 + 10, abandon.signal);
  let stopped: RunStop | undefined;
  let leftOpen: Promise<string[]> | undefined;
  const stop = (why: RunStop, abandonInFlight: boolean) => {
    stopped ??= why;
    stopTaking.abort();
    if (abandonInFlight) abandon.abort();
    // Batch mode: stop waiting; what was submitted stays open for a rerun to collect.
    if (transport) leftOpen ??= transport.stopWaiting();
  };
  const onInterrupt = () =>
    stop({ reason: "interrupted", fatal: false, error: new RunInterruptedError() }, false);
  // Once the run cannot vouch for itself, others may take its claims: stop, and cancel the
  // calls in flight rather than finish items another run may be doing too.
  registration.onLost((error) =>
    stop({ reason: "run_lost", fatal: false, error: new RunLostError({ cause: error }) }, true),
  );
  if (control.signal?.aborted) onInterrupt();
  control.signal?.addEventListener("abort", onInterrupt, { once: true });

  // The window limits LLM calls in flight, not items: a claimed page of items is prepared and
  // looked up in the cache together (one table read for the page), then each item that needs a
  // call waits here for a slot, and keeps it until its answer is stored. Calls already in
  // flight finish when the run stops; waiting ones do not start.
  const window = createAdaptiveWindow({
    max: config.batch.concurrent,
    onChange: (size) => {
      calls.concurrency = size;
    },
  });
  // A slot is held per item, from its call until its answer is stored (item-call-slots.ts).
  const calls = new PQueue({ concurrency: window.size });
  const callSlot = (cache: ResultCache): ItemCallSlot =>
    transport
      ? { llm: transport.llm, cache, release: () => {} }
      : createItemCallSlot(calls, deps.llm, cache, () => {
          if (stopTaking.signal.aborted) throw new IntakeStopped();
        });
  // A forced run asks afresh: the cache is written, never read (refreshingCache). Sibling
  // items (an animal's target languages) share one call through sharedAnswers.
  const itemDeps = {
    ...deps,
    ...(plan.force && { cache: refreshingCache(deps.cache) }),
    sharedAnswers: createSharedAnswers(),
  };
  const sharesCalls = definition.sharesCallAcrossLanguages === true;
  // A resumed batch's items finish what their stopped run paid for: their stored requests are
  // answered by the batch, so they read no cache (a --force run's would answer with the old
  // value, and leave the batch open, waited for by nobody).
  const resumedDeps = { ...itemDeps, cache: refreshingCache(deps.cache) };
  const batchLimit = deps.batchApi?.limits.maxRequests ?? 5_000;
  const pageSize = transport
    ? Math.min(BATCH_PAGE_SIZE, batchLimit)
    : Math.max(config.batch.concurrent * 4, batchSize, 50);
  // Items in progress (preparing, waiting for a call slot, or held by a slow writer) stay
  // bounded; in batch mode, by what one provider batch holds.
  const maxInProgress = transport ? Math.max(batchLimit, pageSize) : 2 * pageSize;
  const queue = new PQueue({ concurrency: maxInProgress });
  const stopListening = deps.gate.onPause(() => window.recordRateLimited());

  const writer = createResultWriter({
    store,
    definition,
    batchSize,
    commitFrequency: config.batch.commitFrequency,
    maxConcurrentCommits: CONCURRENT_COMMITS,
    ...(deps.writeRetryDelayMs !== undefined && { retryDelayMs: deps.writeRetryDelayMs }),
    onCommitted: (written) => {
      for (const w of written) {
        counts[w.status] += 1;
        const code = w.status === "skipped" ? w.flags[0] : undefined;
        if (isSkipReason(code)) skippedByReason[code] = (skippedByReason[code] ?? 0) + 1;
        report(w, w.status, w.status === "succeeded" ? [] : w.flags);
      }
      control.onProgress?.(progress());
    },
    onWriteFailed: (lost, error) => {
      deps.logger?.error({ err: error, items: lost.length }, "writing results failed");
      for (const w of lost) {
        counts.failed += 1;
        report(w, "failed", ["write_failed: results could not be saved; rerun to redo"]);
      }
      stop(
        {
          reason: "write_failed",
          fatal: false,
          error: new ResultsNotWrittenError({ cause: error }),
        },
        false,
      );
    },
  });

  const requeues = new Map<string, number>();
  const maxWriteBacklog = Math.max(
    4 * batchSize * config.batch.commitFrequency,
    2 * config.batch.concurrent,
    100,
  );
  const handle = async (item: WorkItem): Promise<void> => {
    if (stopTaking.signal.aborted) return;
    let outcome;
    const itemBase = resumed.has(keyOf(item)) ? resumedDeps : itemDeps;
    const slot = callSlot(itemBase.cache);
    try {
      outcome = await processWorkItem(
        { ...itemBase, llm: slot.llm, cache: slot.cache },
        definition,
        item,
        abandon.signal,
      );
    } catch (error) {
      if (error instanceof LlmError && error.fatalForRun) {
        stop({ reason: "provider_refused", fatal: true, error }, true);
        return;
      }
      // Its batch request never ran: no result, back to the pending pool with the reason.
      if (error instanceof BatchItemReturnedError) {
        counts.returned += 1;
        await deps.batchStore
          ?.returnToPending(definition.name, owner, [
            { animalId: item.animalId, targetLanguage: item.targetLanguage, reason: error.reason },
          ])
          .catch((e: unknown) => deps.logger?.warn({ err: e }, "returning an item failed"));
        control.onProgress?.(progress());
        return;
      }
      // The run stopped waiting: not written; a batch item stays claimed for the rerun.
      if (error instanceof BatchWaitStoppedError) return;
      // Not written: its claim is released and a rerun takes it.
      if (error instanceof IntakeStopped || abandon.signal.aborted) return;
      deps.logger?.error(
        {
          err: error,
          animalId: item.animalId,
          processingType: definition.name,
          targetLanguage: item.targetLanguage === "" ? null : item.targetLanguage,
        },
        "item failed unexpectedly",
      );
      outcome = undefined;
    } finally {
      slot.release();
    }
    if (outcome === undefined) {
      counts.done += 1;
      writer.add(
        {
          animalId: item.animalId,
          targetLanguage: item.targetLanguage,
          status: "failed",
          sourceHash: item.sourceHash,
          promptVersion: item.variant?.promptVersion ?? definition.promptVersion,
          ...(item.variant?.experiment && { experiment: item.variant.experiment }),
          model: null,
          value: null,
          flags: ["internal_error"],
          error: "internal error (see logs)",
        },
        [],
      );
      return;
    }
    counts.llmCalls += outcome.llmCalls;
    counts.verificationCalls += outcome.verificationCalls;
    counts.cacheHits += outcome.cacheHits;
    costUsd += outcome.costUsd;
    if (outcome.rateLimited) {
      const key = `${item.animalId}:${item.targetLanguage}`;
      const n = (requeues.get(key) ?? 0) + 1;
      requeues.set(key, n);
      if (n <= MAX_RATE_LIMIT_REQUEUES && !stopTaking.signal.aborted) {
        // A 429 is the provider's pacing, not the item's fault: try it again later.
        void queue.add(() => handle(item));
        return;
      }
    } else {
      window.recordSuccess();
    }
    counts.done += 1;
    writer.add(
      plan.replaceStaffEdits ? { ...outcome.write, replaceStaffEdit: true } : outcome.write,
      outcome.logs.map((l) => ({ ...l, runId: owner })),
    );
    if (config.budgetUsd !== undefined && costUsd >= config.budgetUsd) {
      const error = new BudgetExceededError(costUsd, config.budgetUsd);
      stop({ reason: "budget_exceeded", fatal: true, error }, false);
    }
    control.onProgress?.(progress());
    // Hold this slot while the writer is far behind: intake slows to the database's pace.
    await writer.waitForRoom(maxWriteBacklog);
  };

  // In batch mode the transport must know how many items are in progress, to submit once
  // every one of them waits for an answer.
  const start = async (item: WorkItem): Promise<void> => {
    if (!transport) return handle(item);
    transport.itemStarted();
    try {
      await handle(item);
    } finally {
      transport.itemFinished();
    }
  };
  const resumed = new Set<string>();
  const claimResumed = async (batches: readonly AdoptedBatch[]): Promise<WorkItem[]> => {
    const requests = batches.flatMap((b) => b.requests);
    if (requests.length === 0) return [];
    const ids = [...new Set(requests.map((r) => r.animalId))].sort((a, b) => a - b);
    // Each item a request answers, with the languages it was sent for: a shared request's
    // items keep that group, so that they make the same request again, not a new one.
    const groupOf = new Map<string, string[]>();
    for (const r of requests) {
      const group = r.targetLanguage.split(SHARED_LANGUAGES_SEPARATOR).sort();
      for (const targetLanguage of group) {
        groupOf.set(keyOf({ animalId: r.animalId, targetLanguage }), group);
      }
    }
    const languages = [...new Set([...groupOf.values()].flat())].sort();
    const claimed = await store.claimCandidates(
      {
        definition,
        targetLanguages: languages,
        organizationId: undefined,
        animalIds: ids,
        // Taken whether or not their stored result is current: the batch answering them is paid
        // for (a --force run's items are up to date), and a run that skipped them would leave it
        // open, waited for by nobody.
        force: true,
      },
      undefined,
      ids.length * languages.length,
      owner,
      leaseMs,
    );
    const mine = claimed.filter((item) => groupOf.has(keyOf(item)));
    total += mine.length;
    if (!sharesCalls) return mine;
    return mine.map((item) => ({ ...item, languageGroup: groupOf.get(keyOf(item))! }));
  };

  const renewTimer = setInterval(
    () => {
      store.renewClaims(owner, leaseMs).catch((error: unknown) => {
        deps.logger?.warn({ err: error }, "renewing claims failed");
      });
    },
    Math.max(1000, Math.floor(leaseMs / 3)),
  );
  renewTimer.unref();

  try {
    let cursor: CandidateCursor | undefined;
    let remaining = plan.limit ?? Number.POSITIVE_INFINITY;
    // Items of a page's last animal, held for the next page (language-groups.ts).
    let held: WorkItem[] = [];
    const startAll = (items: readonly WorkItem[]) => {
      for (const item of sharesCalls ? withLanguageGroups(items) : items) {
        if (resumed.has(keyOf(item))) continue;
        void queue.add(() => start(item));
      }
    };
    const stopRequested = aborted(stopTaking.signal);
    transport?.setIntakeOpen(true);
    // A resumed batch's items first: they wait for the stored answers, nothing is re-sent.
    for (const item of await claimResumed(adopted)) {
      resumed.add(keyOf(item));
      void queue.add(() => start(item));
    }
    while (!stopTaking.signal.aborted && remaining > 0) {
      // Claim the next page when the last one has started and less than a window of calls is
      // waiting for a slot: claims stay fresh, memory flat, and the calls never run dry.
      // A whole page must fit, so that its items start (and read the cache) together.
      const mustWait = queue.pending > maxInProgress - pageSize || queue.size > 0;
      if (mustWait) transport?.setIntakeOpen(false);
      await Promise.race([queue.onSizeLessThan(1), stopRequested]);
      await Promise.race([calls.onSizeLessThan(Math.max(1, calls.concurrency)), stopRequested]);
      await Promise.race([runningAtMost(queue, maxInProgress - pageSize), stopRequested]);
      if (stopTaking.signal.aborted) break;
      transport?.setIntakeOpen(true);
      const wanted = Math.min(pageSize, remaining);
      const page = await store.claimCandidates(filter, cursor, wanted, owner, leaseMs);
      if (page.length === 0) break;
      const last = page[page.length - 1]!;
      cursor = { animalId: last.animalId, targetLanguage: last.targetLanguage };
      remaining -= page.length;
      const taken = [...held, ...page];
      if (sharesCalls && page.length === wanted && remaining > 0) {
        const split = splitLastAnimal(taken);
        held = split.held;
        startAll(split.ready);
      } else {
        held = [];
        startAll(taken);
      }
    }
    if (!stopTaking.signal.aborted) startAll(held);
    transport?.setIntakeOpen(false);
    if (stopTaking.signal.aborted) queue.clear();
    await queue.onIdle();
  } finally {
    clearInterval(renewTimer);
    stopListening();
    control.signal?.removeEventListener("abort", onInterrupt);
    await writer.flush();
    if (transport) {
      if (leftOpen) openBatches = await leftOpen;
      else
        await transport.finish().catch((error: unknown) => {
          deps.logger?.warn({ err: error }, "marking batches done failed; a rerun re-reads them");
        });
    }
    await store.releaseClaims(owner).catch((error: unknown) => {
      deps.logger?.warn({ err: error }, "releasing claims failed; they expire on their own");
    });
    await registration.end().catch((error: unknown) => {
      deps.logger?.warn({ err: error }, "unregistering the run failed; the next run sweeps it");
    });
  }
  const heldByOtherRuns = await store.countHeld(filter, owner).catch(() => 0);

  // Calls in flight at a budget stop finish and are paid for: the stop says so, with the total.
  if (stopped?.reason === "budget_exceeded") {
    stopped = { ...stopped, error: stopped.error.withTotal(Math.round(costUsd * 1e6) / 1e6) };
  }
  const processed = counts.succeeded + counts.failed + counts.skipped;
  // Skips are not attempts: a run whose only work was skipping has no success rate.
  const attempted = counts.succeeded + counts.failed;
  const batchProgress = transport?.progress();
  return {
    processed,
    succeeded: counts.succeeded,
    failed: counts.failed,
    skipped: counts.skipped,
    skippedByReason,
    successRatePercent:
      attempted === 0 ? undefined : Math.round((counts.succeeded / attempted) * 1000) / 10,
    upToDate: settled.upToDate,
    processingTimeMs: Math.round(performance.now() - startedAt),
    llmCalls: counts.llmCalls,
    verificationCalls: counts.verificationCalls,
    cacheHits: counts.cacheHits,
    costUsd: Math.round(costUsd * 1e6) / 1e6,
    heldByOtherRuns,
    stop: stopped,
    items,
    transport: transport ? "batch" : "sync",
    transportReason: adopted.length > 0 && !choice.batch ? "resumed open batches" : choice.why,
    returnedToPending: counts.returned,
    openBatches,
    ...(batchProgress && { batch: batchProgress }),
  };
}

function keyOf(item: { animalId: number; targetLanguage: string }): string {
  return `${item.animalId}\u001f${item.targetLanguage}`;
}

/** A batch whose waiting run has not polled it for this long is taken over by the next run. */
export function batchStaleAfterMs(pollIntervalMs: number): number {
  return Math.max(5 * pollIntervalMs, 2_000);
}

async function runningAtMost(queue: PQueue, limit: number): Promise<void> {
  while (queue.pending > limit) await new Promise((resolve) => queue.once("next", resolve));
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
