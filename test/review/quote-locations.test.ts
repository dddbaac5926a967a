import { describe, expect, it } from "vitest";
import { quoteFoundIn } from "../../src/enrichment/guards/normalized-match.js";
import { highlightSegments, locateQuote } from "../../src/review/quote-locations.js";

const SOURCE = "Bella — a 3-year-old “sweetheart” — LOVES long walks,\nand she is good with cats!";

describe("locateQuote", () => {
  it("finds a quote the profile guard accepts, ignoring case, punctuation and quote styles", () => {
    const quote = 'a 3 year old "sweetheart" loves long walks';
    expect(quoteFoundIn(quote, SOURCE)).toBe(true);
    const [range] = locateQuote(quote, SOURCE);
    expect(SOURCE.slice(range!.start, range!.end)).toBe(
      "a 3-year-old “sweetheart” — LOVES long walks",
    );
  });

  it("maps each ellipsis fragment to its own range, in order", () => {
    const ranges = locateQuote("loves long walks … good with cats", SOURCE);
    expect(ranges.map((r) => SOURCE.slice(r.start, r.end))).toEqual([
      "LOVES long walks",
      "good with cats",
    ]);
  });

  it("finds nothing for words not in the listing or split mid-word", () => {
    expect(locateQuote("loves swimming", SOURCE)).toEqual([]);
    expect(locateQuote("ella", SOURCE)).toEqual([]);
  });

  it("keeps astral characters whole (and, like the guard, reads emoji as separators)", () => {
    const text = "Max likes 𝐓𝐨𝐲𝐬 🐶 a lot";
    const [range] = locateQuote("likes toys", text);
    expect(text.slice(range!.start, range!.end)).toBe("likes 𝐓𝐨𝐲𝐬");
    const [withEmoji] = locateQuote("toys 🐶 a lot", text);
    expect(text.slice(withEmoji!.start, withEmoji!.end)).toBe("𝐓𝐨𝐲𝐬 🐶 a lot");
  });
});

describe("highlightSegments", () => {
  it("splits the text into plain and quoted parts, overlaps carrying both numbers", () => {
    const text = "one two three four";
    const segments = highlightSegments(text, [
      { number: 1, ranges: [{ start: 4, end: 13 }] },
      { number: 2, ranges: [{ start: 8, end: 18 }] },
    ]);
    expect(segments).toEqual([
      { text: "one ", quotes: [], starts: [] },
      { text: "two ", quotes: [1], starts: [1] },
      { text: "three", quotes: [1, 2], starts: [2] },
      { text: " four", quotes: [2], starts: [] },
    ]);
    expect(segments.map((s) => s.text).join("")).toBe(text);
  });
});
