// One simulated batch: where it is in its life at a given clock reading, and the answers to
// its requests. The status is computed from the clock (no timers), so a test with an injected
// clock moves a batch through its states without waiting, and a real clock gives a client
// polling the fake the documented progression. Requests are answered lazily, when a read finds
// them due, in submission order. See fake-batch-api.ts for the wire format.

export type FakeBatchStatus =
  | "validating"
  | "in_progress"
  | "finalizing"
  | "completed"
  | "failed"
  | "expired"
  | "cancelling"
  | "cancelled";

export const TERMINAL_STATUSES: ReadonlySet<FakeBatchStatus> = new Set([
  "completed",
  "failed",
  "expired",
  "cancelled",
]);

export interface FakeBatchTiming {
  /** Time in `validating` after the 202. */
  readonly validatingMs: number;
  /** Time in `in_progress`; requests finish evenly across it. */
  readonly inProgressMs: number;
  /** Time in `finalizing` (and in `cancelling` after a cancel). */
  readonly finalizingMs: number;
  /** From creation until unfinished work expires (OpenRouter's completion window: 24 h). */
  readonly expiresAfterMs: number;
}

/** A result row exactly as the API returns it. */
export interface WireResult {
  readonly id: string;
  readonly custom_id: string;
  readonly response: {
    readonly status_code: number;
    readonly request_id: string;
    readonly body: Record<string, unknown>;
  } | null;
  readonly error: { readonly message: string; readonly type: string; readonly param: null } | null;
}

/** What answering one request produced. */
export interface AnsweredRequest {
  readonly result: Omit<WireResult, "id" | "custom_id">;
  /** Whether it counts under request_counts.completed (else .failed). */
  readonly succeeded: boolean;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** At the batch price; summed into the batch's usage.cost. */
  readonly costUsd: number;
}

export type AnswerRequest = (
  body: Record<string, unknown>,
  model: string,
  customId: string,
) => Promise<AnsweredRequest>;

export interface FakeBatchRequest {
  readonly customId: string;
  readonly body: Record<string, unknown>;
}

export interface FakeBatch {
  readonly id: string;
  readonly endpoint: string;
  /** The batch-level model as submitted. */
  readonly model: string;
  readonly createdAtMs: number;
  readonly requests: readonly FakeBatchRequest[];
  readonly results: WireResult[];
  readonly counts: { completed: number; failed: number };
  readonly usage: { promptTokens: number; completionTokens: number; costUsd: number };
  /** Why validation failed; the batch shows `failed` once validation would have ended. */
  validationError: string | undefined;
  expiresAtMs: number;
  cancelRequestedAtMs: number | undefined;
  /** Set when the batch reached a terminal status and its unfinished requests were settled. */
  settled: { status: FakeBatchStatus; atMs: number } | undefined;
  /** Serialises answering: two reads at once must not answer a request twice. */
  advancing: Promise<void>;
}

export function newFakeBatch(init: {
  readonly id: string;
  readonly endpoint: string;
  readonly model: string;
  readonly createdAtMs: number;
  readonly requests: readonly FakeBatchRequest[];
  readonly validationError: string | undefined;
  readonly timing: FakeBatchTiming;
}): FakeBatch {
  return {
    id: init.id,
    endpoint: init.endpoint,
    model: init.model,
    createdAtMs: init.createdAtMs,
    requests: init.requests,
    results: [],
    counts: { completed: 0, failed: 0 },
    usage: { promptTokens: 0, completionTokens: 0, costUsd: 0 },
    validationError: init.validationError,
    expiresAtMs: init.createdAtMs + init.timing.expiresAfterMs,
    cancelRequestedAtMs: undefined,
    settled: undefined,
    advancing: Promise.resolve(),
  };
}

interface Phase {
  readonly status: FakeBatchStatus;
  /** Requests that should have an answer by now. */
  readonly due: number;
  /** When the batch reached this status, for terminal ones. */
  readonly sinceMs: number;
}

/** Where the batch is at `nowMs`, from its timeline alone. */
export function phaseAt(batch: FakeBatch, timing: FakeBatchTiming, nowMs: number): Phase {
  if (batch.settled) {
    return { status: batch.settled.status, due: batch.results.length, sinceMs: batch.settled.atMs };
  }
  const total = batch.requests.length;
  const inProgressAt = batch.createdAtMs + timing.validatingMs;
  const finalizingAt = inProgressAt + timing.inProgressMs;
  const completedAt = finalizingAt + timing.finalizingMs;
  const dueAt = (t: number) =>
    t < inProgressAt
      ? 0
      : t >= finalizingAt
        ? total
        : Math.floor((total * (t - inProgressAt)) / Math.max(1, timing.inProgressMs));

  if (batch.validationError !== undefined) {
    return nowMs < inProgressAt
      ? { status: "validating", due: 0, sinceMs: batch.createdAtMs }
      : { status: "failed", due: 0, sinceMs: inProgressAt };
  }
  // Whichever comes first ends the batch: completion, a cancel, or the expiry of the window.
  const cancelAt = batch.cancelRequestedAtMs;
  const stops = [
    { at: completedAt, status: "completed" as const },
    ...(cancelAt !== undefined ? [{ at: cancelAt, status: "cancelling" as const }] : []),
    { at: batch.expiresAtMs, status: "expired" as const },
  ].sort((a, b) => a.at - b.at);
  const first = stops[0]!;
  if (nowMs >= first.at) {
    if (first.status === "cancelling") {
      const cancelledAt = first.at + timing.finalizingMs;
      return nowMs < cancelledAt
        ? { status: "cancelling", due: dueAt(first.at), sinceMs: first.at }
        : { status: "cancelled", due: dueAt(first.at), sinceMs: cancelledAt };
    }
    return { status: first.status, due: dueAt(first.at), sinceMs: first.at };
  }
  if (nowMs < inProgressAt) return { status: "validating", due: 0, sinceMs: batch.createdAtMs };
  if (nowMs < finalizingAt) return { status: "in_progress", due: dueAt(nowMs), sinceMs: 0 };
  return { status: "finalizing", due: total, sinceMs: finalizingAt };
}

/**
 * Answers the requests due by `nowMs`; once terminal, settles the rest: a request that never
 * ran in an expired or cancelled batch gets an error naming why (and counts as failed).
 */
export function advanceBatch(
  batch: FakeBatch,
  timing: FakeBatchTiming,
  nowMs: number,
  answer: AnswerRequest,
): Promise<Phase> {
  const run = batch.advancing.then(async () => {
    const phase = phaseAt(batch, timing, nowMs);
    while (batch.results.length < phase.due) {
      const request = batch.requests[batch.results.length]!;
      const answered = await answer(request.body, batch.model, request.customId);
      batch.results.push({
        id: `batch_req_${batch.results.length + 1}`,
        custom_id: request.customId,
        ...answered.result,
      });
      if (answered.succeeded) batch.counts.completed += 1;
      else batch.counts.failed += 1;
      batch.usage.promptTokens += answered.promptTokens;
      batch.usage.completionTokens += answered.completionTokens;
      batch.usage.costUsd += answered.costUsd;
    }
    if (TERMINAL_STATUSES.has(phase.status) && !batch.settled) {
      if (phase.status === "expired" || phase.status === "cancelled") {
        const type = phase.status === "expired" ? "batch_expired" : "batch_cancelled";
        const message =
          phase.status === "expired"
            ? "The batch's completion window ended before this request ran"
            : "The batch was cancelled before this request ran";
        for (const request of batch.requests.slice(batch.results.length)) {
          batch.results.push({
            id: `batch_req_${batch.results.length + 1}`,
            custom_id: request.customId,
            response: null,
            error: { message, type, param: null },
          });
          batch.counts.failed += 1;
        }
      }
      batch.settled = { status: phase.status, atMs: phase.sinceMs };
    }
    return phaseAt(batch, timing, nowMs);
  });
  batch.advancing = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}
