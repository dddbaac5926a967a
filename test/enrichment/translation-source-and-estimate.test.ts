import { describe, expect, it } from "vitest";
import { estimateRunTokens, estimateTokens } from "../../src/enrichment/estimate-tokens.js";
import { translationSourceText } from "../../src/enrichment/translation-source.js";
import { realListing, toAnimal } from "./support/real-listings.js";

const turco = toAnimal(realListing("thmuc-152709"));

describe("translationSourceText", () => {
  it("translates the cleaned description when there is one", () => {
    expect(translationSourceText(turco)).toBe(turco.description);
    const cleaned = { ...turco, enrichedDescription: "Turco wurde am 01.05.2012 geboren." };
    expect(translationSourceText(cleaned)).toBe("Turco wurde am 01.05.2012 geboren.");
  });
});

describe("estimateTokens", () => {
  it("grows with the input and gives profiles a fixed completion budget", () => {
    const short = estimateTokens("description_cleaning", "x".repeat(400));
    const long = estimateTokens("description_cleaning", "x".repeat(4000));
    expect(long.promptTokens - short.promptTokens).toBe(900);
    expect(long.completionTokens).toBeGreaterThan(short.completionTokens);
    expect(estimateTokens("dog_profiler", "x".repeat(4000)).completionTokens).toBe(
      estimateTokens("dog_profiler", "x".repeat(400)).completionTokens,
    );
  });

  it("adds up over a run: overhead per call, text once", () => {
    const one = estimateTokens("translation", "x".repeat(800));
    const run = estimateRunTokens("translation", 3, 2400);
    expect(run.promptTokens).toBe(3 * one.promptTokens);
    expect(run.completionTokens).toBe(3 * one.completionTokens);
  });
});
