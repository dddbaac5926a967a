import { describe, expect, it } from "vitest";
import { createAdaptiveWindow } from "../../../src/enrichment/pipeline/adaptive-window.js";

describe("adaptive window", () => {
  it("shrinks on a 429, ignores the rest of the burst, and grows back one slot per window of successes", () => {
    let now = 0;
    const sizes: number[] = [];
    const w = createAdaptiveWindow({ max: 10, now: () => now, onChange: (s) => sizes.push(s) });
    w.recordRateLimited();
    expect(w.size).toBe(8);
    w.recordRateLimited(); // same burst, within the cooldown
    expect(w.size).toBe(8);
    now += 1500;
    w.recordRateLimited();
    expect(w.size).toBe(6);
    for (let i = 0; i < 6; i++) w.recordSuccess();
    expect(w.size).toBe(7);
    for (let i = 0; i < 100; i++) w.recordSuccess();
    expect(w.size).toBe(10);
    expect(sizes).toEqual([8, 6, 7, 8, 9, 10]);
  });

  it("never goes below one", () => {
    let now = 0;
    const w = createAdaptiveWindow({ max: 2, now: () => now });
    for (let i = 0; i < 5; i++) {
      now += 2000;
      w.recordRateLimited();
    }
    expect(w.size).toBe(1);
  });
});
