// The worker's process-wide limit on LLM calls in flight, shared by the chunks it runs.
import { describe, expect, it } from "vitest";
import type { LlmClient, LlmRequest, LlmResponse } from "../../src/enrichment/llm-client.js";
import { shareCallWindow } from "../../src/jobs/shared-call-window.js";

/** A client whose calls finish when the test says so, counting how many run at once. */
function heldClient() {
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const started: LlmRequest[] = [];
  const client: LlmClient = {
    complete: (request) =>
      new Promise<LlmResponse>((resolve) => {
        started.push(request);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        pending.push(() => {
          inFlight -= 1;
          resolve({
            content: "ok",
            model: "m",
            finishReason: "stop",
            promptTokens: 1,
            completionTokens: 1,
            costUsd: 0,
            latencyMs: 1,
            attempts: 1,
          });
        });
      }),
  };
  return {
    client,
    started,
    finishOne: () => pending.shift()?.(),
    maxInFlight: () => maxInFlight,
  };
}

const request = (signal?: AbortSignal): LlmRequest => ({
  messages: [{ role: "user", content: "hi" }],
  temperature: 0.2,
  ...(signal && { signal }),
});

describe("shared call window", () => {
  it("keeps the calls of every chunk together within one limit, starting the next as one ends", async () => {
    const held = heldClient();
    const shared = shareCallWindow(held.client, 3);
    // Two chunks' runs asking for 4 calls each at once.
    const calls = Array.from({ length: 8 }, () => shared.complete(request()));
    await Promise.resolve();
    expect(held.started).toHaveLength(3);
    held.finishOne();
    await calls[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.started).toHaveLength(4);
    for (let i = 0; i < 8; i++) {
      held.finishOne();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(calls);
    expect(held.maxInFlight()).toBe(3);
    expect(held.started).toHaveLength(8);
  });

  it("a call whose run stops while it waits never starts", async () => {
    const held = heldClient();
    const shared = shareCallWindow(held.client, 1);
    const first = shared.complete(request());
    const stop = new AbortController();
    const waiting = shared.complete(request(stop.signal));
    stop.abort();
    await expect(waiting).rejects.toThrow();
    held.finishOne();
    await first;
    expect(held.started).toHaveLength(1);
  });
});
