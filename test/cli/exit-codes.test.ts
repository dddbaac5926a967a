import { describe, expect, it } from "vitest";
import { EXIT, exitCodeFor, exitCodeForRun } from "../../src/cli/exit-codes.js";
import type { RunStop } from "../../src/enrichment/pipeline/run-stop.js";
import {
  BudgetExceededError,
  LlmError,
  NotFoundError,
  ResultsNotWrittenError,
  RunInterruptedError,
} from "../../src/errors.js";

describe("exit codes", () => {
  const stops: [RunStop, number][] = [
    [{ reason: "interrupted", fatal: false, error: new RunInterruptedError() }, EXIT.someFailed],
    [
      { reason: "write_failed", fatal: false, error: new ResultsNotWrittenError() },
      EXIT.someFailed,
    ],
    [
      { reason: "provider_refused", fatal: true, error: new LlmError("auth", "bad key") },
      EXIT.aborted,
    ],
    [
      { reason: "budget_exceeded", fatal: true, error: new BudgetExceededError(1, 1) },
      EXIT.aborted,
    ],
  ];

  it.each(stops)("a run stopped by %o exits %i", (stop, code) => {
    expect(exitCodeForRun({ failed: 0, stop })).toBe(code);
  });

  it("a finished run exits 0, or 1 when some items failed", () => {
    expect(exitCodeForRun({ failed: 0, stop: undefined })).toBe(EXIT.ok);
    expect(exitCodeForRun({ failed: 2, stop: undefined })).toBe(EXIT.someFailed);
  });

  it("agrees with the mapping of the same errors when they are thrown", () => {
    for (const [stop, code] of stops) expect(exitCodeFor(stop.error)).toBe(code);
    expect(exitCodeFor(new NotFoundError("Unknown organization: x"))).toBe(EXIT.usage);
  });
});
