// Faults the first truthfulness evaluation let through (npm run eval, eval/RESULTS.md), each
// a real listing and the output the fault-planting fake gave for it; each is now kept out,
// while the honest output still passes.
import { describe, expect, it } from "vitest";
import type { DogProfile } from "../../src/enrichment/dog-profile-schema.js";
import { checkCleaning } from "../../src/enrichment/guards/cleaning-guards.js";
import { profileTruthReasons } from "../../src/enrichment/guards/profile-truth-guards.js";
import { checkTranslation } from "../../src/enrichment/guards/translation-guards.js";
import { prepareListing } from "../../src/enrichment/input/prepare-listing.js";
import { realListing, toAnimal } from "./support/real-listings.js";

const listing = (id: string) => prepareListing(toAnimal(realListing(id)));

describe("a cleaned description keeps every negation", () => {
  // "Rosa hat keine Probleme mit Rüden": no lexicon entry reads "Probleme mit Rüden".
  const rosa = listing("thmuc-225739");
  const clean = (output: string) =>
    checkCleaning({
      source: rosa.text,
      facts: rosa.facts,
      output,
      sourceLanguage: rosa.language,
    }).reasons;

  it("passes the listing tidied up", () => {
    expect(clean(rosa.text)).toEqual([]);
  });

  it('rejects "keine Probleme mit Rüden" that lost its "keine", naming the sentence', () => {
    const flipped = rosa.text.replace("hat keine Probleme", "hat Probleme");
    expect(flipped).not.toBe(rosa.text);
    expect(clean(flipped).join()).toMatch(
      /has \d+ negation\(s\) where the listing has \d+: a lost "not" turns a fact around, e\.g\. in "Rosa hat keine Probleme mit Rüden/,
    );
  });
});

describe("a compatibility quote must itself state the value", () => {
  // "… mit anderen Hunden beim Gassigehen zwar gut verträglich ist, im häuslichen Bereich aber
  // nicht mit Artgenossen zusammenleben möchte": one sentence, a yes and a no.
  const turco = listing("thmuc-152709");
  const profile = (quote: string, value: "yes" | "selective"): DogProfile => ({
    tagline: "Turco",
    bio: "Turco ist laut Tierheim ruhig.",
    looking_for: "Menschen, die Turco Zeit und Geduld geben.",
    personality_traits: ["ruhig"],
    interests: [],
    fun_fact: null,
    good_with_dogs: value,
    good_with_cats: "unknown",
    good_with_children: "unknown",
    evidence: [
      { field: "personality_traits", claim: "ruhig", quote: "ruhiger" },
      { field: "good_with_dogs", claim: value, quote },
    ],
  });
  const check = (p: DogProfile) =>
    profileTruthReasons({
      profile: p,
      listingText: turco.text,
      sourceLanguage: turco.language,
      structured: turco.facts,
      profileLanguage: "de",
    }).reasons;

  it('rejects good_with_dogs "yes" quoting the negated half of the sentence', () => {
    expect(check(profile("Artgenossen zusammenleben", "yes")).join()).toMatch(
      /good_with_dogs is "yes" but its quote does not state that/,
    );
  });

  it('passes good_with_dogs "yes" quoting the half that says it', () => {
    expect(
      check(profile("mit anderen Hunden beim Gassigehen zwar gut verträglich", "yes")),
    ).toEqual([]);
  });
});

describe("a translation's facts are read whatever the dog is called", () => {
  const translate = (id: string, output: string, target: string) => {
    const row = realListing(id);
    return checkTranslation({
      source: row.description ?? "",
      output,
      targetLanguage: target,
      preserve: [row.name ?? ""],
      sourceLanguage: "en",
    }).reasons.join("\n");
  };

  it("reads an invented claim around a six-word name", () => {
    const name = "Big Mama Babies Tmn Sentosa Klang";
    const honest = `${name} wartet im Tierheim auf eine neue Familie. ${name} ist eine Hündin. Die Anzeige nennt diese Angaben: 10, 5, 4, 29.`;
    expect(translate("pfmy-test-cefd51047", honest, "de")).not.toMatch(/children|cats/);
    expect(
      translate(
        "pfmy-test-cefd51047",
        `${honest} Mit Kindern ist ${name} toll, und auch mit Katzen kommt ${name} prima klar.`,
        "de",
      ),
    ).toMatch(/states "children: yes"[\s\S]*states "cats: yes"/);
  });

  it("does not let a name sway the language check into skipping the facts", () => {
    // "Ngao ngao she actually is a girl": the name alone reads as no German.
    expect(
      translate(
        "pfmy-test-398fec4a3",
        "Ngao Ngao wartet im Tierheim auf eine neue Familie. Ngao Ngao ist ein Rüde.",
        "de",
      ),
    ).toMatch(/turns "sex: female" of the listing into "male"/);
  });

  it("does not let a name (Shy Female Puppy) excuse a dropped fear", () => {
    // "… she is afraid of human approach": the translation leaves the fear out.
    expect(
      translate(
        "pfmy-test-60a3481ec",
        "Shy Female Puppy wartet im Tierheim auf eine neue Familie. Shy Female Puppy ist sehr aktiv. Spaziergänge würden ihm helfen.",
        "de",
      ),
    ).toMatch(/drops the listing's warning "fearful: yes"/);
  });
});
