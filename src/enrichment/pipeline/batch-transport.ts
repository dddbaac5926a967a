// The Batch API as a transport: an LlmClient whose `complete` puts the request into the next
// provider batch and resolves when that batch's answer for it arrives. Everything above it —
// candidates, claims, cache lookups, prompts, guards, re-asks, writes — is the synchronous
// path's, unchanged: guarded completion cannot tell where its answer came from.
//
// When to submit: once every item in progress is waiting for an answer (and the run has
// claimed all it will claim for now), or when a batch is full; once the intake is closed, an
// idle timer is the safety net (e.g. two items sharing one cache key, the second waiting on
// the first, which the count of waiting items cannot see). Re-asks are
// requests like any other, so they go into a follow-up batch: still at batch price, and a
// run killed while waiting for one resumes it like the first (see README "Batch mode").
//
// Durable: the batch and its custom_id → (animal, type, language, attempt, request hash) map
// are stored before the submission; a resumed run adopts the stored batches, and a request
// with the same item, attempt and hash waits for the stored answer instead of being sent.
import { createHash, randomUUID } from "node:crypto";
import { BatchSubmissionUncertainError, LlmError, AppError } from "../../errors.js";
import { sleep } from "../../sleep.js";
import {
  isTerminalBatchStatus,
  type BatchApi,
  type BatchItemOutcome,
  type BatchRequestItem,
  type ProviderBatch,
} from "../batch-api.js";
import type { LlmClient, LlmRequest, LlmResponse, RequestOrigin } from "../llm-client.js";
import { tokensCostUsd, type TokenPricesUsd } from "../model-prices.js";
import type { AdoptedBatch, BatchStore, StoredBatchRequest } from "./batch-store.js";

/** The item's batch request never ran (expired, cancelled, failed batch, uncertain submission). */
export class BatchItemReturnedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "BatchItemReturnedError";
  }
}

/** The run stopped waiting (Ctrl-C, a fatal error, the budget): the item is not written. */
export class BatchWaitStoppedError extends Error {
  constructor() {
    super("the run stopped waiting for its provider batches");
    this.name = "BatchWaitStoppedError";
  }
}

export interface BatchTransportOptions {
  readonly api: BatchApi;
  readonly store: BatchStore;
  /** One named model per batch (LLM_DEFAULT_MODEL). */
  readonly model: string;
  /** The run's claims owner. */
  readonly owner: string;
  readonly processingType: string;
  readonly pollIntervalMs: number;
  /** Submit what is pending after this long without a new request (default 1 s). */
  readonly idleFlushMs?: number;
  /** The model's batch price, to share a batch's total cost among its requests. */
  readonly batchPrices?: TokenPricesUsd | undefined;
  readonly logger?: { warn(obj: object, msg: string): void };
  /** Called when a batch is submitted, polled or finished (progress). */
  readonly onChange?: () => void;
  /**
   * Where a request naming another model goes (a batch has one model): e.g. verification calls
   * with their own LLM_VERIFY_MODEL, or an experiment arm's model. Without it they are refused.
   */
  readonly otherModels?: LlmClient;
}

export interface BatchTransportProgress {
  /** Provider batches this run submitted or resumed. */
  readonly batches: number;
  /** Of them, still running at the provider. */
  readonly live: number;
  /** The provider's request counts, summed over those batches. */
  readonly requests: number;
  readonly completed: number;
  readonly failed: number;
}

export interface BatchTransport {
  readonly llm: LlmClient;
  /** The run started / ended one item's processing (for knowing when everyone waits). */
  itemStarted(): void;
  itemFinished(): void;
  /** While the run is claiming, do not submit: more requests are on their way. */
  setIntakeOpen(open: boolean): void;
  /** Batches a resumed run took over: polled, and their requests matched, never re-sent. */
  adopt(batches: readonly AdoptedBatch[]): void;
  progress(): BatchTransportProgress;
  /** Stops waiting; returns the provider ids of the batches left open for a rerun. */
  stopWaiting(): Promise<string[]>;
  /** At the end of a run: every batch whose results were taken in is done. */
  finish(): Promise<void>;
}

interface Waiter {
  resolve(response: LlmResponse): void;
  reject(error: unknown): void;
}

interface Pending {
  readonly origin: RequestOrigin;
  readonly attempt: number;
  readonly hash: string;
  readonly request: LlmRequest;
  readonly waiter: Waiter;
}

interface Tracked {
  readonly id: string;
  readonly providerBatchId: string;
  readonly submittedAtMs: number;
  readonly waiters: Map<string, Waiter>;
  status: ProviderBatch | undefined;
  /** Set once the batch finished and its results were read. */
  settled: Map<string, Settled> | undefined;
  /** Why a request without a result did not run (once settled). */
  notRunReason: string;
  done: boolean;
}

type Settled =
  | { readonly ok: true; readonly response: LlmResponse }
  | { readonly ok: false; readonly error: unknown };

const SHORT_TYPE: Readonly<Record<string, string>> = {
  description_cleaning: "clean",
  dog_profiler: "profile",
  translation: "tr",
};
/** A batch's hard end when the provider names none: 24 h and a margin. */
const DEFAULT_EXPIRY_MS = 25 * 3600_000;
/** Results per page when reading a finished batch (the provider allows up to 1,000). */
const RESULTS_PAGE_SIZE = 500;

export function createBatchTransport(options: BatchTransportOptions): BatchTransport {
  const { api, store, model, owner, processingType } = options;
  const idleFlushMs = options.idleFlushMs ?? 1_000;
  const pending: Pending[] = [];
  const tracked = new Map<string, Tracked>();
  /** `${origin}#${attempt}` → the stored request a resumed run will wait for. */
  const known = new Map<string, { batch: Tracked; request: StoredBatchRequest }>();
  const attempts = new Map<string, number>();
  const pollStop = new AbortController();
  let active = 0;
  let waiting = 0;
  let intakeOpen = false;
  let flushing = false;
  let stopped = false;
  let idleTimer: NodeJS.Timeout | undefined;

  const settle = (batch: Tracked, customId: string, waiter: Waiter) => {
    const result = batch.settled?.get(customId);
    if (result === undefined) waiter.reject(new BatchItemReturnedError(batch.notRunReason));
    else if (result.ok) waiter.resolve(result.response);
    else waiter.reject(result.error);
  };

  const attach = (batch: Tracked, customId: string, waiter: Waiter) => {
    if (batch.settled !== undefined) settle(batch, customId, waiter);
    else batch.waiters.set(customId, waiter);
  };

  const checkFlush = () => {
    if (pending.length === 0 || flushing || stopped) return;
    if (pending.length >= api.limits.maxRequests || (!intakeOpen && waiting >= active)) {
      void flush();
      return;
    }
    // While the run is still claiming, more requests are on their way: no partial batch.
    if (intakeOpen) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void flush(), idleFlushMs);
    idleTimer.unref();
  };

  const flush = async () => {
    clearTimeout(idleTimer);
    if (flushing || stopped || pending.length === 0) return;
    flushing = true;
    try {
      while (pending.length > 0 && !stopped) {
        await submit(takeBatch());
        if (intakeOpen || waiting < active) break;
      }
    } finally {
      flushing = false;
    }
    checkFlush();
  };

  /** As many pending requests as one batch holds, by count and by body size. */
  const takeBatch = (): Pending[] => {
    const budget = api.limits.maxBodyBytes * 0.9;
    let bytes = 1_000;
    let n = 0;
    while (n < pending.length && n < api.limits.maxRequests) {
      const size = Buffer.byteLength(JSON.stringify(pending[n]!.request.messages)) + 300;
      if (n > 0 && bytes + size > budget) break;
      bytes += size;
      n += 1;
    }
    return pending.splice(0, n);
  };

  const rejectAll = (entries: readonly Pending[], error: unknown) => {
    for (const p of entries) p.waiter.reject(error);
  };

  const submit = async (entries: Pending[]) => {
    const id = `batch-${randomUUID()}`;
    const used = new Set<string>();
    const requests: StoredBatchRequest[] = entries.map((p) => {
      const base = `${p.origin.animalId}-${SHORT_TYPE[p.origin.processingType] ?? "x"}-${p.origin.targetLanguage || "x"}-${p.attempt}`;
      let customId = base;
      for (let n = 2; used.has(customId); n++) customId = `${base}-${n}`;
      used.add(customId);
      return {
        customId,
        animalId: p.origin.animalId,
        targetLanguage: p.origin.targetLanguage,
        attempt: p.attempt,
        requestHash: p.hash,
      };
    });
    try {
      await store.recordSubmission({ id, processingType, model, runId: owner, requests });
    } catch (error) {
      // Nothing was sent: the items fail this run like any other storage error.
      rejectAll(entries, error);
      return;
    }
    const items: BatchRequestItem[] = entries.map((p, i) => ({
      customId: requests[i]!.customId,
      request: withoutTransportFields(p.request),
    }));
    let batch: ProviderBatch;
    try {
      batch = await api.submit({ model, items });
    } catch (error) {
      if (error instanceof BatchSubmissionUncertainError) {
        await store.markUncertain(id, error.message).catch(() => undefined);
        rejectAll(
          entries,
          new BatchItemReturnedError(
            `batch submission uncertain (${error.message}); see rescue-llm batches`,
          ),
        );
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      await store.markAbandoned(id, message).catch(() => undefined);
      const llmError =
        error instanceof LlmError
          ? error
          : new LlmError("bad_request", error instanceof AppError ? error.message : message, {
              cause: error,
            });
      rejectAll(entries, llmError);
      return;
    }
    const entry: Tracked = {
      id,
      providerBatchId: batch.id,
      submittedAtMs: Date.now(),
      waiters: new Map(),
      status: batch,
      settled: undefined,
      notRunReason: "",
      done: false,
    };
    tracked.set(id, entry);
    entries.forEach((p, i) => entry.waiters.set(requests[i]!.customId, p.waiter));
    try {
      await store.markSubmitted(id, batch);
      await store.holdClaims(
        owner,
        processingType,
        requests,
        batch.expiresAtMs ?? Date.now() + DEFAULT_EXPIRY_MS,
      );
    } catch (error) {
      options.logger?.warn({ err: error, batch: batch.id }, "recording a submitted batch failed");
    }
    options.onChange?.();
    void poll(entry);
  };

  const poll = async (batch: Tracked) => {
    while (!stopped) {
      try {
        await sleep(options.pollIntervalMs, pollStop.signal);
      } catch {
        return;
      }
      let status: ProviderBatch;
      try {
        status = await api.get(batch.providerBatchId, { signal: pollStop.signal });
      } catch (error) {
        if (stopped) return;
        if (error instanceof LlmError && error.fatalForRun) {
          settleAll(batch, new Map(), error.message, error);
          return;
        }
        options.logger?.warn(
          { err: error, batch: batch.providerBatchId },
          "polling a batch failed",
        );
        continue;
      }
      batch.status = status;
      await store.recordStatus(batch.id, status).catch((error: unknown) => {
        options.logger?.warn({ err: error }, "recording a batch's status failed");
      });
      options.onChange?.();
      if (!isTerminalBatchStatus(status.status)) continue;
      const outcomes = await readResults(batch, status);
      if (outcomes === undefined) continue; // read again at the next poll
      const reason =
        `batch ${status.status}` + (status.failureMessage ? `: ${status.failureMessage}` : "");
      settleAll(batch, outcomes, reason);
      options.onChange?.();
      return;
    }
  };

  const readResults = async (
    batch: Tracked,
    status: ProviderBatch,
  ): Promise<Map<string, BatchItemOutcome> | undefined> => {
    const outcomes = new Map<string, BatchItemOutcome>();
    try {
      for await (const outcome of api.results(batch.providerBatchId, {
        pageSize: RESULTS_PAGE_SIZE,
        signal: pollStop.signal,
      })) {
        outcomes.set(outcome.customId, outcome);
      }
      return outcomes;
    } catch (error) {
      if (stopped) return undefined;
      // A failed batch may have no results to read: its requests simply did not run.
      if (status.status === "failed") return outcomes;
      options.logger?.warn({ err: error, batch: batch.providerBatchId }, "reading results failed");
      return undefined;
    }
  };

  const settleAll = (
    batch: Tracked,
    outcomes: ReadonlyMap<string, BatchItemOutcome>,
    notRunReason: string,
    fatal?: LlmError,
  ) => {
    const settled = new Map<string, Settled>();
    const answered = [...outcomes.values()].filter((o) => o.kind === "answered");
    const total = batch.status?.usage?.costUsd;
    const weight = (o: (typeof answered)[number]) =>
      options.batchPrices
        ? tokensCostUsd(o.answer, options.batchPrices)
        : o.answer.promptTokens + o.answer.completionTokens;
    const weights = answered.reduce((sum, o) => sum + weight(o), 0);
    const latencyMs = Math.max(0, Date.now() - batch.submittedAtMs);
    for (const outcome of outcomes.values()) {
      if (fatal) break;
      switch (outcome.kind) {
        case "answered": {
          const costUsd =
            total !== undefined
              ? weights > 0
                ? (total * weight(outcome)) / weights
                : 0
              : options.batchPrices
                ? tokensCostUsd(outcome.answer, options.batchPrices)
                : outcome.answer.costUsd;
          settled.set(outcome.customId, {
            ok: true,
            response: {
              ...outcome.answer,
              costUsd,
              latencyMs,
              attempts: 1,
              providerBatchId: batch.providerBatchId,
            },
          });
          break;
        }
        case "failed":
          settled.set(outcome.customId, {
            ok: false,
            // A transient failure is worth another go later; the rest is the item's answer.
            error:
              outcome.error.retryable && !outcome.error.fatalForRun
                ? new BatchItemReturnedError(
                    `batch request failed (${outcome.error.category}): ${outcome.error.message}`,
                  )
                : outcome.error,
          });
          break;
        case "not_run":
          settled.set(outcome.customId, {
            ok: false,
            error: new BatchItemReturnedError(
              `batch ${outcome.reason}${outcome.message ? `: ${outcome.message}` : ""}`,
            ),
          });
          break;
      }
    }
    batch.settled = settled;
    batch.notRunReason = notRunReason;
    for (const [customId, waiter] of batch.waiters) {
      if (fatal) waiter.reject(fatal);
      else settle(batch, customId, waiter);
    }
    batch.waiters.clear();
  };

  const llm: LlmClient = {
    complete(request) {
      if (stopped) return Promise.reject(new BatchWaitStoppedError());
      if (request.model !== undefined && request.model !== model) {
        return options.otherModels
          ? options.otherModels.complete(request)
          : Promise.reject(
              new Error(`a batch of ${model} cannot carry a request for ${request.model}`),
            );
      }
      const origin = request.origin;
      if (origin === undefined) {
        return Promise.reject(new Error("a batch request needs its origin (the work item)"));
      }
      const key = `${origin.animalId}\u001f${origin.processingType}\u001f${origin.targetLanguage}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const hash = requestHash(model, request);
      return new Promise<LlmResponse>((resolve, reject) => {
        waiting += 1;
        let open = true;
        const waiter: Waiter = {
          resolve(response) {
            if (!open) return;
            open = false;
            waiting -= 1;
            resolve(response);
          },
          reject(error) {
            if (!open) return;
            open = false;
            waiting -= 1;
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        };
        const stored = known.get(`${key}#${attempt}`);
        if (stored !== undefined && stored.request.requestHash === hash) {
          attach(stored.batch, stored.request.customId, waiter);
        } else {
          pending.push({ origin, attempt, hash, request, waiter });
        }
        checkFlush();
      });
    },
  };

  return {
    llm,
    itemStarted() {
      active += 1;
    },
    itemFinished() {
      active -= 1;
      checkFlush();
    },
    setIntakeOpen(open) {
      intakeOpen = open;
      if (!open) checkFlush();
    },
    adopt(batches) {
      for (const adopted of batches) {
        const entry: Tracked = {
          id: adopted.id,
          providerBatchId: adopted.providerBatchId,
          submittedAtMs: adopted.submittedAtMs,
          waiters: new Map(),
          status: undefined,
          settled: undefined,
          notRunReason: "",
          done: false,
        };
        tracked.set(adopted.id, entry);
        for (const request of adopted.requests) {
          const key = `${request.animalId}\u001f${processingType}\u001f${request.targetLanguage}`;
          known.set(`${key}#${request.attempt}`, { batch: entry, request });
        }
        void poll(entry);
      }
    },
    progress() {
      let live = 0;
      let requests = 0;
      let completed = 0;
      let failed = 0;
      for (const batch of tracked.values()) {
        if (batch.settled === undefined) live += 1;
        requests += batch.status?.requestCounts.total ?? 0;
        completed += batch.status?.requestCounts.completed ?? 0;
        failed += batch.status?.requestCounts.failed ?? 0;
      }
      return { batches: tracked.size, live, requests, completed, failed };
    },
    async stopWaiting() {
      if (stopped) return [];
      stopped = true;
      clearTimeout(idleTimer);
      pollStop.abort();
      rejectAll(pending.splice(0), new BatchWaitStoppedError());
      const open: Tracked[] = [];
      for (const batch of tracked.values()) {
        for (const waiter of batch.waiters.values()) waiter.reject(new BatchWaitStoppedError());
        batch.waiters.clear();
        if (!batch.done) open.push(batch);
      }
      await store.detach(open.map((b) => b.id)).catch((error: unknown) => {
        options.logger?.warn({ err: error }, "detaching from batches failed");
      });
      return open.map((b) => b.providerBatchId);
    },
    async finish() {
      clearTimeout(idleTimer);
      const finished = [...tracked.values()].filter((b) => b.settled !== undefined && !b.done);
      if (finished.length > 0) await store.markDone(finished.map((b) => b.id));
      for (const b of finished) b.done = true;
      const open = [...tracked.values()].filter((b) => !b.done);
      stopped = true;
      pollStop.abort();
      if (open.length > 0) await store.detach(open.map((b) => b.id));
    },
  };
}

/** What identifies a request: everything sent to the provider, nothing of ours. */
export function requestHash(model: string, request: LlmRequest): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        model,
        request.messages,
        request.temperature,
        request.maxTokens ?? null,
        request.responseFormat ?? null,
      ]),
    )
    .digest("hex");
}

function withoutTransportFields(request: LlmRequest): BatchRequestItem["request"] {
  return {
    messages: request.messages,
    temperature: request.temperature,
    ...(request.maxTokens !== undefined && { maxTokens: request.maxTokens }),
    ...(request.responseFormat !== undefined && { responseFormat: request.responseFormat }),
  };
}
