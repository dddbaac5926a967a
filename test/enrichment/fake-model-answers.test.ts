// The fake model must answer like a well-behaved model: on real listings, its answers pass
// the same parsing and guards the product applies to a real provider's answers.
import { describe, expect, it } from "vitest";
import { cleaningGuards } from "../../src/enrichment/guards/cleaning-guards.js";
import {
  enforceCompatibilityEvidence,
  profileGuards,
} from "../../src/enrichment/guards/profile-guards.js";
import {
  checkTranslation,
  translationGuards,
} from "../../src/enrichment/guards/translation-guards.js";
import { SUPPORTED_LANGUAGES } from "../../src/config.js";
import { factEntries, prepareListing } from "../../src/enrichment/input/prepare-listing.js";
import { readProfileAnswer } from "../../src/enrichment/profile-answer.js";
import { descriptionCleaningMessages } from "../../src/enrichment/prompts/description-cleaning-prompt.js";
import {
  dogProfilerMessages,
  profileLanguage,
} from "../../src/enrichment/prompts/dog-profiler-prompt.js";
import { reaskMessage } from "../../src/enrichment/prompts/reask-message.js";
import { translationMessages } from "../../src/enrichment/prompts/translation-prompt.js";
import { answerLikeAModel, fakeProfileIsGrounded } from "../../src/testing/fake-model-answers.js";
import { realListings, toAnimal } from "./support/real-listings.js";

const ask = (messages: { role: string; content: string }[]) =>
  answerLikeAModel({ model: "openrouter/auto", messages });

// Every German listing plus a spread of the others keeps this fast and representative.
const sample = realListings().filter(
  (row, i) => row.organization.startsWith("tierheim") || i % 25 === 0,
);

describe("answerLikeAModel on real listings", () => {
  it("cleans every sampled listing within the cleaning guards", () => {
    for (const row of sample) {
      const listing = prepareListing(toAnimal(row));
      if (listing.text === "") continue;
      const output = ask(descriptionCleaningMessages(listing, {}));
      expect(
        cleaningGuards({ source: listing.text, facts: listing.facts, output }),
        row.external_id,
      ).toEqual([]);
    }
  });

  it("profiles every sampled listing long enough with evidence found in the listing, or answers no_profile when it states no trait", () => {
    let profiled = 0;
    let declined = 0;
    for (const row of sample) {
      const listing = prepareListing(toAnimal(row));
      if (listing.text.length < 150) continue;
      const parsed = readProfileAnswer(ask(dogProfilerMessages(listing, {})));
      expect(parsed.ok, row.external_id).toBe(true);
      if (!parsed.ok) continue;
      const grounded = fakeProfileIsGrounded(listing.text);
      expect(parsed.value.kind, row.external_id).toBe(grounded ? "profile" : "no_profile");
      if (parsed.value.kind === "no_profile") {
        declined++;
        continue;
      }
      const { profile } = enforceCompatibilityEvidence(parsed.value.profile);
      const source = [...factEntries(listing.facts).map(([, v]) => v), listing.text].join("\n");
      expect(
        profileGuards({ profile, source, language: profileLanguage(listing, {}) }),
        row.external_id,
      ).toEqual([]);
      profiled++;
    }
    expect(profiled).toBeGreaterThan(60);
    expect(declined).toBeGreaterThan(0);
  });

  it("translates every sampled listing into es, fr, de, it, nl, pt and en within the guards", () => {
    for (const row of sample) {
      const listing = prepareListing(toAnimal(row));
      if (listing.text === "") continue;
      const preserve = listing.facts.name ? [listing.facts.name] : [];
      for (const targetLanguage of ["es", "fr", "de", "it", "nl", "pt", "en"]) {
        if (targetLanguage === listing.language) continue;
        const messages = translationMessages({ text: listing.text, targetLanguage, preserve }, {});
        const output = ask(messages);
        expect(
          translationGuards({ source: listing.text, output, targetLanguage, preserve }),
          `${row.external_id} → ${targetLanguage}`,
        ).toEqual([]);
      }
    }
  });

  it("translates into every target language the CLI accepts, keeping every critical fact", () => {
    // A few listings each (the fake has templates for all of them; facts are compared where a
    // lexicon exists and flagged as unchecked elsewhere).
    for (const row of sample.filter((_, i) => i % 8 === 0)) {
      const listing = prepareListing(toAnimal(row));
      if (listing.text === "") continue;
      const preserve = listing.facts.name ? [listing.facts.name] : [];
      for (const targetLanguage of SUPPORTED_LANGUAGES) {
        if (targetLanguage === listing.language) continue;
        const output = ask(
          translationMessages({ text: listing.text, targetLanguage, preserve }, {}),
        );
        const checked = checkTranslation({
          source: listing.text,
          output,
          targetLanguage,
          preserve,
          sourceLanguage: listing.language,
          structured: { sex: listing.facts.sex, age_text: listing.facts.age_text },
        });
        expect(checked.reasons, `${row.external_id} → ${targetLanguage}`).toEqual([]);
      }
    }
  });

  it("answers a re-ask with the same good answer", () => {
    const listing = prepareListing(toAnimal(sample[0]!));
    const messages = descriptionCleaningMessages(listing, {});
    const first = ask(messages);
    const again = ask([
      ...messages,
      { role: "assistant", content: "bad" },
      { role: "user", content: reaskMessage(["x"]) },
    ]);
    expect(again).toBe(first);
  });

  it("says compatibility is unknown unless the listing says so", () => {
    const row = realListings().find((r) => r.external_id === "thmuc-182523")!;
    const listing = prepareListing(toAnimal(row));
    const parsed = readProfileAnswer(ask(dogProfilerMessages(listing, {})));
    expect(parsed.ok && parsed.value).toMatchObject({
      kind: "profile",
      profile: { good_with_cats: "unknown", good_with_children: "no" },
    });
  });
});
