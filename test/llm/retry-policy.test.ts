import { describe, expect, it } from "vitest";
import { LlmError } from "../../src/errors.js";
import { backoffDelayMs, retryLlmCall } from "../../src/llm/retry-policy.js";

const OPTIONS = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

function failingTimes(n: number, make: () => Error) {
  let calls = 0;
  const fn = async () => {
    calls += 1;
    if (calls <= n) throw make();
    return "ok";
  };
  return { fn, calls: () => calls };
}

describe("backoffDelayMs", () => {
  it("draws uniformly below an exponentially growing window capped at maxDelayMs", () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 10].map((i) => backoffDelayMs(OPTIONS, i, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelayMs(OPTIONS, 3, () => 0)).toBe(0);
    expect(backoffDelayMs(OPTIONS, 1, () => 0.5)).toBe(100);
  });

  it("never waits less than Retry-After, even beyond maxDelayMs", () => {
    expect(backoffDelayMs(OPTIONS, 0, () => 0.5, 5_000)).toBe(5_000);
    expect(backoffDelayMs(OPTIONS, 3, () => 0.999, 10)).toBe(799);
  });
});

describe("retryLlmCall", () => {
  it("retries retryable errors up to maxAttempts with jittered delays", async () => {
    const delays: number[] = [];
    const { fn, calls } = failingTimes(
      10,
      () => new LlmError("provider_unavailable", "down", { status: 503 }),
    );
    await expect(
      retryLlmCall(fn, OPTIONS, { sleep: async (ms) => void delays.push(ms), random: () => 0.5 }),
    ).rejects.toMatchObject({ category: "provider_unavailable" });
    expect(calls()).toBe(4);
    expect(delays).toEqual([50, 100, 200]);
  });

  it("returns once an attempt succeeds", async () => {
    const { fn, calls } = failingTimes(2, () => new LlmError("timeout", "slow"));
    await expect(retryLlmCall(fn, OPTIONS, { sleep: async () => {} })).resolves.toBe("ok");
    expect(calls()).toBe(3);
  });

  it("never retries fatal or non-retryable errors, nor foreign errors", async () => {
    for (const make of [
      () => new LlmError("auth", "bad key", { status: 401 }),
      () => new LlmError("payment_required", "no credit", { status: 402 }),
      () => new LlmError("bad_request", "bad", { status: 400 }),
      () => new Error("a bug"),
    ]) {
      const { fn, calls } = failingTimes(10, make);
      await expect(retryLlmCall(fn, OPTIONS, { sleep: async () => {} })).rejects.toThrow();
      expect(calls()).toBe(1);
    }
  });

  it("honours retryAfterMs and reports each retry", async () => {
    const delays: number[] = [];
    const seen: number[] = [];
    const { fn } = failingTimes(
      1,
      () => new LlmError("rate_limited", "429", { status: 429, retryAfterMs: 7_000 }),
    );
    await retryLlmCall(fn, OPTIONS, {
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.1,
      onRetry: ({ attempt, delayMs }) => seen.push(attempt, delayMs),
    });
    expect(delays).toEqual([7_000]);
    expect(seen).toEqual([1, 7_000]);
  });

  it("is abortable while waiting between attempts", async () => {
    const controller = new AbortController();
    const { fn, calls } = failingTimes(10, () => new LlmError("network", "reset"));
    const run = retryLlmCall(
      fn,
      { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      {
        signal: controller.signal,
        random: () => 0.99,
      },
    );
    await expect.poll(calls).toBe(1);
    controller.abort(new Error("shutting down"));
    await expect(run).rejects.toThrow("shutting down");
    expect(calls()).toBe(1);
  });
});
