// Typed errors with a string `code`. Callers branch on the class or the code, never on text.
// src/cli/exit-codes.ts and src/http/error-handler.ts are the only places that map them.

export class AppError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Invalid environment: every problem, each naming its variable. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super("config_invalid", `Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
  }
}

/** Bad input from a user or HTTP client; `field` names what is wrong. */
export class ValidationError extends AppError {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super("invalid_input", message);
    this.field = field;
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super("not_found", message);
  }
}

export class FeatureDisabledError extends AppError {
  constructor(feature: string, variable: string) {
    super(
      "feature_disabled",
      `The ${feature} feature is disabled (set ${variable}=true to enable it)`,
    );
  }
}

/** The database cannot be reached; the message names host, port and database, never a password. */
export class DatabaseUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("database_unavailable", message, options);
  }
}

/**
 * The embedded database directory is open in another process: PGlite is one process's
 * database, so a second writer would silently overwrite the first (SPEC §4: exit 2).
 */
export class DatabaseLockedError extends AppError {
  constructor(message: string) {
    super("database_locked", message);
  }
}

export class MigrationError extends AppError {
  constructor(message: string) {
    super("migration_failed", message);
  }
}

/** A run stops cleanly once its spend reaches LLM_BUDGET_USD. */
export class BudgetExceededError extends AppError {
  /**
   * `spentUsd`: the spend when the run stopped taking items; `totalUsd`: the run's whole cost,
   * once the calls already in flight then had finished (they are paid for too).
   */
  constructor(
    readonly spentUsd: number,
    readonly budgetUsd: number,
    readonly totalUsd: number = spentUsd,
  ) {
    const inFlight = totalUsd - spentUsd;
    super(
      "budget_exceeded",
      `Budget reached: spent $${spentUsd.toFixed(4)} of LLM_BUDGET_USD=$${budgetUsd}` +
        (inFlight > 0.000_000_5
          ? `; calls already in flight when the run stopped added $${inFlight.toFixed(4)}, $${totalUsd.toFixed(4)} in all`
          : ""),
    );
  }

  /** The same stop, with the run's final cost. */
  withTotal(totalUsd: number): BudgetExceededError {
    return new BudgetExceededError(this.spentUsd, this.budgetUsd, totalUsd);
  }
}

/** A run stopped taking items on request (Ctrl-C, SIGTERM, a cancelled job); a rerun continues. */
export class RunInterruptedError extends AppError {
  constructor() {
    super("interrupted", "Stopped on request; rerun to continue");
  }
}

/** A run stopped because finished results could not be written; they are redone by a rerun. */
export class ResultsNotWrittenError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super("write_failed", "Results could not be written to the database", options);
  }
}

/**
 * A run lost the connection that vouched for it being alive (e.g. pg_terminate_backend): its
 * claims may already be another run's, so it stopped taking work; a rerun continues.
 */
export class RunLostError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super(
      "run_lost",
      "Lost the database connection that held this run's claims; stopped so that no item is done twice. Rerun to continue",
      options,
    );
  }
}

/** Redis/queue needed but not configured or reachable. */
export class QueueUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("queue_unavailable", message, options);
  }
}

/**
 * How an LLM call failed. `retryable` kinds may succeed on another attempt;
 * `fatal_account` kinds (bad key, no credit) stop a whole run at once.
 */
export const LLM_ERROR_CATEGORIES = [
  "bad_request", // 400
  "auth", // 401
  "payment_required", // 402
  "forbidden", // 403 (moderation)
  "timeout", // 408, 524, our deadline
  "rate_limited", // 429
  "provider_unavailable", // 502, 503, 529, other 5xx
  "network", // connection refused/reset
  "empty_output", // no content (e.g. finish_reason length)
  "provider_error", // error inside a 200 response
  "invalid_response", // body we cannot parse
] as const;
export type LlmErrorCategory = (typeof LLM_ERROR_CATEGORIES)[number];

export function isLlmErrorCategory(value: string): value is LlmErrorCategory {
  return (LLM_ERROR_CATEGORIES as readonly string[]).includes(value);
}

const RETRYABLE: ReadonlySet<LlmErrorCategory> = new Set([
  "timeout",
  "rate_limited",
  "provider_unavailable",
  "network",
  "empty_output",
  "provider_error",
  "invalid_response",
]);

const FATAL_ACCOUNT: ReadonlySet<LlmErrorCategory> = new Set(["auth", "payment_required"]);

export class LlmError extends AppError {
  readonly category: LlmErrorCategory;
  readonly status: number | undefined;
  /** Milliseconds the provider asked us to wait (Retry-After), if any. */
  readonly retryAfterMs: number | undefined;
  constructor(
    category: LlmErrorCategory,
    message: string,
    details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`llm_${category}`, message, { cause: details.cause });
    this.category = category;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
  get retryable(): boolean {
    return RETRYABLE.has(this.category);
  }
  /** Account-level failures: every further call would fail the same way. */
  get fatalForRun(): boolean {
    return FATAL_ACCOUNT.has(this.category);
  }
}

/** Our own HTTP API's per-client limit was hit. */
export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super("rate_limited", `Too many requests; retry after ${retryAfterSeconds}s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class UnauthorizedError extends AppError {
  constructor() {
    super("unauthorized", "A valid API key is required (Authorization: Bearer <key> or X-API-Key)");
  }
}

/**
 * A batch submission failed after it may have reached the provider (a timeout, a dropped
 * connection, a 5xx, an unreadable answer): the batch may exist. It is not retried, since a
 * second submission could run and bill every request twice; look the batch up instead.
 */
export class BatchSubmissionUncertainError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("batch_submission_uncertain", message, options);
  }
}
