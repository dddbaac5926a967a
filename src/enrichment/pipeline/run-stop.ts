// Why a run ended before it ran out of items. The error says what happened (and maps to an
// exit code in src/cli/exit-codes.ts and to an HTTP status in src/http/error-handler.ts);
// `fatal` says whether running the same work again can succeed before someone intervenes.
import type {
  BudgetExceededError,
  LlmError,
  ResultsNotWrittenError,
  RunInterruptedError,
  RunLostError,
} from "../../errors.js";

export type RunStop =
  /** Ctrl-C, SIGTERM or a cancelled job: a rerun continues where this one stopped. */
  | { readonly reason: "interrupted"; readonly fatal: false; readonly error: RunInterruptedError }
  /** The database refused the writes: unwritten items stay unclaimed for a rerun. */
  | {
      readonly reason: "write_failed";
      readonly fatal: false;
      readonly error: ResultsNotWrittenError;
    }
  /** The run's liveness connection dropped: others may take its claims, so it stopped. */
  | { readonly reason: "run_lost"; readonly fatal: false; readonly error: RunLostError }
  /** A bad key or an empty account (401, 402): every further call would fail the same way. */
  | { readonly reason: "provider_refused"; readonly fatal: true; readonly error: LlmError }
  /** The run's spend reached LLM_BUDGET_USD. */
  | {
      readonly reason: "budget_exceeded";
      readonly fatal: true;
      readonly error: BudgetExceededError;
    };
