// wholeWordMatches checks the word boundary before a match in code: it must find exactly what
// a leading lookbehind would, on the real lexicon patterns and listings.
import { describe, expect, it } from "vitest";
import { FACT_LANGUAGES, lexiconFor } from "../../src/enrichment/facts/lexicon.js";
import { wholeWordMatches } from "../../src/enrichment/whole-word-matches.js";
import { realListings } from "./support/real-listings.js";

/** [index, text] of each match, found by the same pattern behind a lookbehind. */
function withLookbehind(source: string, text: string): [number, string][] {
  const regex = new RegExp(`(?<![\\p{L}\\p{N}])(?:${source})`, "giu");
  return [...text.matchAll(regex)].map((m) => [m.index, m[0]]);
}

function found(source: string, text: string): [number, string][] {
  return [...wholeWordMatches(new RegExp(source, "giu"), text)].map((m) => [m.index, m[0]]);
}

describe("wholeWordMatches", () => {
  it("skips a match that a letter or digit precedes, in any script", () => {
    const text = "cat bobcat 9cat Кошка-cat 𝒜cat é cat";
    expect(found("cat", text)).toEqual([
      [0, "cat"],
      [22, "cat"],
      [34, "cat"],
    ]);
    expect(found("cat", text)).toEqual(withLookbehind("cat", text));
  });

  it("finds a match that starts inside a rejected one", () => {
    expect(found("ana", "banana ana")).toEqual([[7, "ana"]]);
    expect(found("a.a", "xa.a.a")).toEqual(withLookbehind("a\\.a", "xa.a.a"));
    expect(found("a\\.a", "xa.a.a")).toEqual(withLookbehind("a\\.a", "xa.a.a"));
  });

  it("finds what the lookbehind finds, for every lexicon pattern on every real listing", () => {
    const texts = [...realListings("main"), ...realListings("eval")].map(
      (l) => l.description ?? "",
    );
    let matches = 0;
    for (const language of FACT_LANGUAGES) {
      for (const pattern of lexiconFor(language)!.patterns) {
        for (const text of texts) {
          const expected = withLookbehind(pattern.regex.source, text);
          expect(found(pattern.regex.source, text), pattern.regex.source).toEqual(expected);
          matches += expected.length;
        }
      }
    }
    expect(matches).toBeGreaterThan(1000);
  });
});
