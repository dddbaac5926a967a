import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../src/enrichment/estimate-tokens.js";
import { sourceFor, translationSourceText } from "../../src/enrichment/source-for.js";
import { realListing, toAnimal } from "./support/real-listings.js";

const turco = toAnimal(realListing("thmuc-152709"));

describe("sourceFor", () => {
  it("is stable for the same animal and changes with the description, the facts and the overrides", () => {
    const base = sourceFor("dog_profiler", turco);
    expect(sourceFor("dog_profiler", { ...turco })).toBe(base);
    expect(
      sourceFor("dog_profiler", { ...turco, description: `${turco.description} Neu.` }),
    ).not.toBe(base);
    expect(sourceFor("dog_profiler", { ...turco, breed: "Terrier" })).not.toBe(base);
    expect(
      sourceFor("dog_profiler", { ...turco, organizationOverrides: { tone: "warm" } }),
    ).not.toBe(base);
    // Markup-only differences do not count as a change.
    expect(
      sourceFor("dog_profiler", { ...turco, description: `<p>${turco.description}</p>` }),
    ).toBe(base);
  });

  it("translates the cleaned description when there is one, per target language", () => {
    expect(translationSourceText(turco)).toBe(turco.description);
    const cleaned = { ...turco, enrichedDescription: "Turco wurde am 01.05.2012 geboren." };
    expect(translationSourceText(cleaned)).toBe("Turco wurde am 01.05.2012 geboren.");
    expect(sourceFor("translation", cleaned, "es")).toContain("Turco wurde am 01.05.2012 geboren.");
    expect(sourceFor("translation", cleaned, "es")).not.toBe(
      sourceFor("translation", cleaned, "fr"),
    );
    expect(sourceFor("translation", cleaned, "es")).not.toBe(sourceFor("translation", turco, "es"));
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
});
