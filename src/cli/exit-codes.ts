// The one place that maps errors and run outcomes to process exit codes (SPEC §4).
import type { RunSummary } from "../enrichment/pipeline/run-types.js";
import {
  AppError,
  BudgetExceededError,
  ConfigError,
  DatabaseLockedError,
  DatabaseUnavailableError,
  FeatureDisabledError,
  LlmError,
  MigrationError,
  NotFoundError,
  QueueUnavailableError,
  ValidationError,
} from "../errors.js";

export const EXIT = {
  ok: 0,
  someFailed: 1,
  usage: 2,
  aborted: 3,
  /** A second Ctrl-C: the process quits at once (128 + SIGINT), after one summary line. */
  interruptedTwice: 130,
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof LlmError && error.fatalForRun) return EXIT.aborted;
  if (error instanceof BudgetExceededError) return EXIT.aborted;
  if (
    error instanceof ConfigError ||
    error instanceof ValidationError ||
    error instanceof NotFoundError ||
    error instanceof FeatureDisabledError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof DatabaseLockedError ||
    error instanceof MigrationError ||
    error instanceof QueueUnavailableError
  ) {
    return EXIT.usage;
  }
  return EXIT.someFailed;
}

/** A finished run: 0 all done, 1 some items failed or it stopped early, 3 a fatal stop. */
export function exitCodeForRun(summary: Pick<RunSummary, "failed" | "stop">): number {
  if (summary.stop !== undefined) return summary.stop.fatal ? EXIT.aborted : EXIT.someFailed;
  return summary.failed > 0 ? EXIT.someFailed : EXIT.ok;
}

/** One line for the terminal: our own messages as they are, anything else without internals. */
export function describeError(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return "Unexpected internal error (run with LOG_LEVEL=debug for details)";
}
