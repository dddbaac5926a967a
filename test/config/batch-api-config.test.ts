import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";

describe("Batch API and item-attempt settings", () => {
  it("defaults: LLM_BATCH_API off, 200 items for auto, 30 s polls, 3 item attempts", () => {
    const config = loadConfig({});
    expect(config.batchApi).toEqual({ mode: "off", minItems: 200, pollIntervalMs: 30_000 });
    expect(config.maxItemAttempts).toBe(3);
  });

  it("reads them", () => {
    const config = loadConfig({
      LLM_BATCH_API: "auto",
      LLM_BATCH_API_MIN_ITEMS: "50",
      LLM_BATCH_API_POLL_SECONDS: "0.5",
      LLM_MAX_ITEM_ATTEMPTS: "5",
    });
    expect(config.batchApi).toEqual({ mode: "auto", minItems: 50, pollIntervalMs: 500 });
    expect(config.maxItemAttempts).toBe(5);
  });

  it("names every bad one at once", () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({
        LLM_BATCH_API: "sometimes",
        LLM_BATCH_API_MIN_ITEMS: "0",
        LLM_MAX_ITEM_ATTEMPTS: "x",
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect([...problems].sort()).toEqual([
      "LLM_BATCH_API: must be one of off, on, auto",
      "LLM_BATCH_API_MIN_ITEMS: must be at least 1",
      "LLM_MAX_ITEM_ATTEMPTS: must be a whole number",
    ]);
  });
});
