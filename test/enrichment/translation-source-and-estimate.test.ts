import { describe, expect, it } from "vitest";
import {
  estimateRunTokens,
  estimateTokens,
  textTokens,
} from "../../src/enrichment/estimate-tokens.js";
import { PROCESSING_TYPE_DEFINITIONS } from "../../src/enrichment/processing-types/processing-types.js";
import { sourceText } from "../../src/enrichment/processing-types/source-fields.js";
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

describe("sourceText", () => {
  it("reads the original for the listing fields and the cleaned text for the display text", () => {
    const cleaned = { ...turco, enrichedDescription: "Turco wurde am 01.05.2012 geboren." };
    expect(sourceText("listing", cleaned)).toBe(turco.description);
    expect(sourceText("display_text", cleaned)).toBe("Turco wurde am 01.05.2012 geboren.");
  });
});

const {
  description_cleaning: cleaning,
  dog_profiler: profiler,
  translation,
} = PROCESSING_TYPE_DEFINITIONS;

describe("estimateTokens", () => {
  const short = turco.description!.slice(0, 200);
  it("grows with the input's tokens and gives profiles a fixed completion budget", () => {
    const one = estimateTokens(cleaning.tokens, short);
    const two = estimateTokens(cleaning.tokens, `${short}\n${short}`);
    // Counted by the tokenizer: the doubled text adds its own tokens (plus the newline's), not chars / 4.
    expect(two.promptTokens - one.promptTokens).toBe(
      textTokens(`${short}\n${short}`) - textTokens(short),
    );
    expect(two.completionTokens).toBeGreaterThan(one.completionTokens);
    expect(estimateTokens(profiler.tokens, `${short}\n${short}`).completionTokens).toBe(
      estimateTokens(profiler.tokens, short).completionTokens,
    );
  });

  it("adds up over a run: overhead per call, text once", () => {
    const text = "x".repeat(800);
    const one = estimateTokens(translation.tokens, text);
    const run = estimateRunTokens(translation.tokens, 3, 3 * 800, 800 / textTokens(text));
    expect(run.promptTokens).toBe(3 * one.promptTokens);
    expect(run.completionTokens).toBe(3 * one.completionTokens);
  });
});
