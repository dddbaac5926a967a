import { describe, expect, it } from "vitest";
import {
  estimateRunTokens,
  estimateTokens,
  textTokens,
} from "../../src/enrichment/estimate-tokens.js";
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
  const short = turco.description!.slice(0, 200);
  it("grows with the input's tokens and gives profiles a fixed completion budget", () => {
    const one = estimateTokens("description_cleaning", short);
    const two = estimateTokens("description_cleaning", `${short}\n${short}`);
    // Counted by the tokenizer: the doubled text adds its own tokens (plus the newline's), not chars / 4.
    expect(two.promptTokens - one.promptTokens).toBe(
      textTokens(`${short}\n${short}`) - textTokens(short),
    );
    expect(two.completionTokens).toBeGreaterThan(one.completionTokens);
    expect(estimateTokens("dog_profiler", `${short}\n${short}`).completionTokens).toBe(
      estimateTokens("dog_profiler", short).completionTokens,
    );
  });

  it("adds up over a run: overhead per call, text once", () => {
    const text = "x".repeat(800);
    const one = estimateTokens("translation", text);
    const run = estimateRunTokens("translation", 3, 3 * 800, 800 / textTokens(text));
    expect(run.promptTokens).toBe(3 * one.promptTokens);
    expect(run.completionTokens).toBe(3 * one.completionTokens);
  });
});
