import { describe, expect, it } from "vitest";
import { createProviderGate } from "../../src/llm/provider-gate.js";

describe("provider gate", () => {
  it("holds every waiter until the pause is over and tells listeners", async () => {
    let now = 1000;
    const slept: number[] = [];
    const gate = createProviderGate({
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    const heard: number[] = [];
    gate.onPause((ms) => heard.push(ms));
    await gate.wait();
    expect(slept).toEqual([]);
    gate.pause(2000);
    gate.pause(500); // a shorter pause never shortens the longer one
    await Promise.all([gate.wait(), gate.wait()]);
    expect(now).toBeGreaterThanOrEqual(3000);
    expect(heard).toEqual([2000, 500]);
  });

  it("after a 429 paces attempts just under the rate that drew it, then climbs back and probes", async () => {
    let now = 0;
    const gate = createProviderGate({
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    // 20 attempts in the last 2 s: 10/s drew the 429.
    for (let i = 0; i < 20; i++) {
      await gate.wait();
      now += 100;
    }
    expect(gate.ratePerSecond).toBeUndefined();
    gate.pause(1000);
    expect(gate.ratePerSecond).toBeCloseTo(9.2, 5); // 92% of it
    const starts: number[] = [];
    for (let i = 0; i < 60; i++) {
      await gate.wait();
      starts.push(now);
    }
    expect(starts[0]).toBeGreaterThanOrEqual(3000); // nothing before the pause ended
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1000 / 9.2 + 1e-9);
    // Climbed back to just under the ceiling (98%), then only probes.
    expect(gate.ratePerSecond!).toBeGreaterThanOrEqual(9.8);
    expect(gate.ratePerSecond!).toBeLessThan(9.9);
  });

  it("with learnRate off (a shared gate paces) a 429 pauses but sets no pace", async () => {
    let now = 0;
    const gate = createProviderGate({
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
      learnRate: false,
    });
    for (let i = 0; i < 20; i++) {
      await gate.wait();
      now += 100;
    }
    gate.pause(1000);
    expect(gate.ratePerSecond).toBeUndefined();
    const starts: number[] = [];
    for (let i = 0; i < 10; i++) {
      await gate.wait();
      starts.push(now);
    }
    // Held until the pause ended (2000 + 1000), then all at once: no pacing of its own.
    expect(starts).toEqual(Array.from({ length: 10 }, () => 3000));
  });
});
