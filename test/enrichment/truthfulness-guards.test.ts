// The issue-14 examples: outputs that kept every form check but changed the meaning, each one
// now rejected; and the honest outputs that must still pass.
import { describe, expect, it } from "vitest";
import type { DogProfile } from "../../src/enrichment/dog-profile-schema.js";
import { checkCleaning } from "../../src/enrichment/guards/cleaning-guards.js";
import { profileGuards } from "../../src/enrichment/guards/profile-guards.js";
import { profileTruthReasons } from "../../src/enrichment/guards/profile-truth-guards.js";
import { checkTranslation } from "../../src/enrichment/guards/translation-guards.js";
import { factEntries, prepareListing } from "../../src/enrichment/input/prepare-listing.js";
import { translationMessages } from "../../src/enrichment/prompts/translation-prompt.js";
import { answerLikeAModel, fakeTranslation } from "../../src/testing/fake-model-answers.js";
import { realSentence } from "./facts/real-sentences.js";
import { realListing, toAnimal } from "./support/real-listings.js";

const lenny = prepareListing(toAnimal(realListing("pfmy-test-02661c4c5")));
const onion = prepareListing(toAnimal(realListing("pfmy-aiap-row01299")));
const poppy = prepareListing(toAnimal(realListing("pfmy-test-ea1a2b014")));

const clean = (listing: typeof lenny, output: string) =>
  checkCleaning({
    source: listing.text,
    facts: listing.facts,
    output,
    sourceLanguage: listing.language,
  }).reasons;

describe("cleaning keeps the listing's meaning", () => {
  it("passes a faithful tidy-up", () => {
    expect(clean(lenny, lenny.text.replace(/!/g, "."))).toEqual([]);
  });

  it("rejects an added sentence claiming house-training and children and cats", () => {
    const reasons = clean(
      lenny,
      `${lenny.text} He is house-trained and good with children and cats.`,
    ).join("\n");
    expect(reasons).toMatch(/states "house_trained: yes", which the listing does not/);
    expect(reasons).toMatch(/states "children: yes"/);
    expect(reasons).toMatch(/states "cats: yes"/);
  });

  it("rejects a cleaned text that leaves out the warning sentence (nervous, needs patience)", () => {
    const warning = realSentence("pfmy-test-02661c4c5", "A nervous and shy boy");
    const reasons = clean(lenny, lenny.text.replace(warning, ""));
    expect(reasons.join("\n")).toMatch(/drops the listing's warning "fearful: yes"/);
  });

  it('rejects "not suitable for … kids" and "isn\'t really good with toddlers" that lost the not', () => {
    expect(clean(poppy, poppy.text.replace("Not suitable", "Suitable")).join("\n")).toMatch(
      /turns "children: no" of the listing into "yes"/,
    );
    expect(clean(onion, onion.text.replace("isn't really good", "is really good")).join()).toMatch(
      /turns "children: no" of the listing into "yes"/,
    );
  });

  it("rejects an English listing 'cleaned' into Spanish", () => {
    const spanish = fakeTranslation(lenny.text, "es", ["LENNY"]);
    expect(clean(lenny, spanish).join()).toMatch(
      /not in the listing's language en \(detected es\)/,
    );
  });
});

describe("a translation says what the source says", () => {
  const spanish = answerLikeAModel({
    model: "fake",
    messages: translationMessages(
      { text: lenny.text, targetLanguage: "es", preserve: ["LENNY"] },
      {},
    ),
  });
  const translate = (output: string) =>
    checkTranslation({
      source: lenny.text,
      output,
      targetLanguage: "es",
      preserve: ["LENNY"],
      sourceLanguage: "en",
      structured: { sex: "male", age_text: "8 months" },
    }).reasons;

  it("passes a translation that carries every critical fact", () => {
    expect(translate(spanish)).toEqual([]);
  });

  it("rejects an added sentence saying the dog gets on with cats and small children", () => {
    const reasons = translate(
      `${spanish} LENNY se lleva muy bien con los gatos y con los niños pequeños.`,
    ).join("\n");
    expect(reasons).toMatch(/states "cats: yes"/);
    expect(reasons).toMatch(/states "children: yes"/);
  });

  it("rejects a translation that drops the nervousness warning", () => {
    const withoutWarning = spanish.replace(/LENNY es (?:nervioso|tímido)\. ?/, "");
    expect(translate(withoutWarning).join()).toMatch(/drops the listing's warning "fearful: yes"/);
  });
});

describe("a profile claims only what the listing says", () => {
  const evidenceSource = (listing: typeof lenny) =>
    [...factEntries(listing.facts).map(([, v]) => v), listing.text].join("\n");
  const check = (listing: typeof lenny, profile: DogProfile) => {
    const form = profileGuards({ profile, source: evidenceSource(listing), language: "en" });
    if (form.length > 0) return form;
    return profileTruthReasons({
      profile,
      listingText: listing.text,
      sourceLanguage: listing.language,
      structured: listing.facts,
      profileLanguage: "en",
    }).reasons;
  };
  // Lenny's listing names two traits and one interest: an honest profile says just that.
  const honest: DogProfile = {
    tagline: "Lenny: shy, then full of life",
    bio: "Lenny is a nervous and shy boy who needs a calm, patient owner. Once he warms up to you, he is full of life and playfulness.",
    looking_for: "A calm, patient owner who gives him time to build up his confidence.",
    personality_traits: ["shy", "playful"],
    interests: ["playing"],
    fun_fact: null,
    good_with_dogs: "unknown",
    good_with_cats: "unknown",
    good_with_children: "unknown",
    evidence: [
      { field: "personality_traits", claim: "shy", quote: "A nervous and shy boy" },
      { field: "personality_traits", claim: "playful", quote: "full of life and playfulness" },
      { field: "interests", claim: "playing", quote: "full of life and playfulness" },
    ],
  };

  it("passes an honest profile with two traits and one interest", () => {
    expect(check(lenny, honest)).toEqual([]);
  });

  it('rejects good_with_children "yes" quoting a piece of "isn\'t really good with toddlers"', () => {
    const profile: DogProfile = {
      ...honest,
      personality_traits: ["nosy"],
      interests: [],
      bio: "Onion is a good dog. He is nosy.",
      tagline: "Onion, a good dog",
      looking_for: "A family that keeps an eye on him.",
      good_with_children: "yes",
      evidence: [
        { field: "personality_traits", claim: "nosy", quote: "He is nosy." },
        { field: "good_with_children", claim: "yes", quote: "really good with toddlers" },
      ],
    };
    expect(check(onion, profile).join()).toMatch(
      /good_with_children is "yes" but the listing says "no"/,
    );
    const honestNo = {
      ...profile,
      good_with_children: "no" as const,
      evidence: [
        profile.evidence[0]!,
        {
          field: "good_with_children" as const,
          claim: "no",
          quote: "isn't really good with toddlers",
        },
      ],
    };
    expect(check(onion, honestNo)).toEqual([]);
  });

  it("rejects a bio that adds house-training and cats the listing never mentions", () => {
    const profile = {
      ...honest,
      bio: `${honest.bio} He is house-trained and gets along with cats.`,
    };
    const reasons = check(lenny, profile).join("\n");
    expect(reasons).toMatch(/bio states "house_trained: yes"/);
    expect(reasons).toMatch(/bio states "cats: yes"/);
  });

  it("rejects a trait whose quote is a real sentence that says nothing about it", () => {
    const unrelated = realSentence("pfmy-test-02661c4c5", "Come meet LENNY");
    const profile: DogProfile = {
      ...honest,
      personality_traits: [...honest.personality_traits, "loyal"],
      evidence: [
        ...honest.evidence,
        { field: "personality_traits", claim: "loyal", quote: unrelated.slice(0, 40) },
      ],
    };
    expect(check(lenny, profile)).toEqual([
      expect.stringMatching(/personality_traits "loyal": its quote says nothing about it/),
    ]);
  });

  it("rejects a trait quoted from inside a negation", () => {
    const profile: DogProfile = {
      ...honest,
      personality_traits: ["aggressive"],
      interests: [],
      bio: "Toffee is a sweet dog. He is erratic.",
      tagline: "An erratic dog",
      looking_for: "A patient owner.",
      evidence: [{ field: "personality_traits", claim: "aggressive", quote: "aggressive" }],
    };
    const source = prepareListing(toAnimal(realListing("pfmy-test-01e7a25d6")));
    expect(check(source, profile).join()).toMatch(
      /personality_traits "aggressive": its quote negates it/,
    );
  });
});
