// A fact pattern's finder decides whether its full pattern runs on a text at all: it must hit
// every text the full pattern matches (or facts would silently go unread), on every lexicon
// pattern, every real listing and every phrase the lexicons render for the fake model.
import { describe, expect, it } from "vitest";
import { FACT_LANGUAGES, lexiconFor } from "../../../src/enrichment/facts/lexicon.js";
import { readFacts } from "../../../src/enrichment/facts/read-facts.js";
import { wholeWordMatches } from "../../../src/enrichment/whole-word-matches.js";
import { realListings } from "../support/real-listings.js";

const listingTexts = [...realListings("main"), ...realListings("eval")].map(
  (l) => l.description ?? "",
);

describe("fact pattern finders", () => {
  it("hit every text their full pattern matches, and skip most pairs of pattern and listing", () => {
    let matched = 0;
    let skipped = 0;
    let pairs = 0;
    for (const language of FACT_LANGUAGES) {
      const lexicon = lexiconFor(language)!;
      const rendered = Object.values(lexicon.render).flat();
      for (const pattern of lexicon.patterns) {
        for (const text of [...listingTexts, ...rendered]) {
          pairs += 1;
          const hit = pattern.finder.test(text);
          if (!hit) skipped += 1;
          if (wholeWordMatches(pattern.regex, text).next().done) continue;
          matched += 1;
          expect(hit, `${pattern.finder.source} on ${JSON.stringify(text.slice(0, 200))}`).toBe(
            true,
          );
        }
      }
    }
    expect(matched).toBeGreaterThan(1000);
    // What makes finders worth having: most full patterns never run on a given text.
    expect(skipped / pairs).toBeGreaterThan(0.9);
  });

  it("widen letter classes, contrast words and the closing boundary, nothing else", () => {
    const de = lexiconFor("de")!;
    const kinderlieb = de.patterns.find((p) => p.regex.source.includes("kinderlieb"))!;
    expect(kinderlieb.finder.test("Sie ist kinderliebend.")).toBe(true);
    expect(kinderlieb.finder.test("Sie ist sehr verschmust.")).toBe(false);
    // The full pattern still decides: the finder's hit inside a longer word reads nothing.
    expect(readFacts("Er ist nicht kinderlieb.", ["de"]).length).toBeGreaterThan(0);
    expect(readFacts("Xkinderlieb", ["de"])).toEqual([]);
  });
});
