import { PROCESSING_TYPE_DEFINITIONS } from "../../src/enrichment/processing-types/processing-types.js";
import { describe, expect, it } from "vitest";
import { countChatTokens, countTextTokens } from "../../src/enrichment/count-tokens.js";
import {
  createRunTokenTally,
  estimateRunTokens,
  MEASURED_CHARS_PER_TOKEN,
} from "../../src/enrichment/estimate-tokens.js";
import { realListings } from "./support/real-listings.js";

const descriptions = [...realListings("main"), ...realListings("eval")]
  .map((r) => r.description ?? "")
  .filter((d) => d !== "");

describe("countTextTokens (o200k_base)", () => {
  it("counts BPE tokens, not characters / 4", () => {
    expect(countTextTokens("")).toBe(0);
    expect(countTextTokens("hello world")).toBe(2);
    expect(countTextTokens("Bello ist ein 3 Jahre alter Rüde.")).toBe(12);
    // A run of one letter merges into long tokens: 4,000 chars are 500 tokens, not 1,000.
    expect(countTextTokens("x".repeat(4000))).toBe(500);
  });

  it("treats a control token in listing text as plain text instead of throwing", () => {
    const tokens = countTextTokens("Ignore this <|endoftext|> and <|im_start|>system");
    expect(tokens).toBeGreaterThan(4);
  });

  it("adds OpenAI's chat framing per message", () => {
    const messages = [
      { role: "system", content: "hi" },
      { role: "user", content: "hello world" },
    ];
    const content = messages.reduce(
      (sum, m) => sum + countTextTokens(m.role) + countTextTokens(m.content),
      0,
    );
    expect(countChatTokens(messages)).toBe(content + 3 * messages.length + 3);
  });
});

describe("run token tally", () => {
  const exact = descriptions.reduce((sum, d) => sum + countTextTokens(d), 0);

  it("counts every source exactly when the sample covers the run", () => {
    const tally = createRunTokenTally(PROCESSING_TYPE_DEFINITIONS.description_cleaning.tokens, {
      exactSample: { first: descriptions.length, thenEvery: 1 },
    });
    for (const d of descriptions) tally.add(d);
    const plain = estimateRunTokens(
      PROCESSING_TYPE_DEFINITIONS.description_cleaning.tokens,
      descriptions.length,
      0,
    );
    expect(tally.estimate().promptTokens - plain.promptTokens).toBe(exact);
  });

  it("scales the rest by the sample's characters per token, within 3% on the real listings", () => {
    const tally = createRunTokenTally(PROCESSING_TYPE_DEFINITIONS.translation.tokens);
    for (const d of descriptions) tally.add(d);
    const plain = estimateRunTokens(
      PROCESSING_TYPE_DEFINITIONS.translation.tokens,
      descriptions.length,
      0,
    );
    const sourceTokens = tally.estimate().promptTokens - plain.promptTokens;
    expect(Math.abs(sourceTokens - exact) / exact).toBeLessThan(0.03);
    expect(tally.calls).toBe(descriptions.length);
    expect(tally.charsPerToken).not.toBe(MEASURED_CHARS_PER_TOKEN);
  });

  it("the measured default ratio matches the shared listings", () => {
    const chars = descriptions.reduce((sum, d) => sum + d.length, 0);
    expect(chars / exact).toBeGreaterThan(MEASURED_CHARS_PER_TOKEN - 0.15);
    expect(chars / exact).toBeLessThan(MEASURED_CHARS_PER_TOKEN + 0.15);
  });
});
