import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { prepareListing } from "../../src/enrichment/input/prepare-listing.js";
import { parseOrganizationOverrides } from "../../src/enrichment/organization-overrides.js";
import { descriptionCleaningMessages } from "../../src/enrichment/prompts/description-cleaning-prompt.js";
import { dogProfilerMessages } from "../../src/enrichment/prompts/dog-profiler-prompt.js";
import { translationMessages } from "../../src/enrichment/prompts/translation-prompt.js";
import { realListing, toAnimal } from "./support/real-listings.js";

describe("parseOrganizationOverrides", () => {
  it("treats NULL as no overrides and parses every documented field", () => {
    expect(parseOrganizationOverrides(null)).toEqual({});
    expect(
      parseOrganizationOverrides({
        tone: "warm",
        output_language: "en",
        extra_instructions: "Mention the adoption fee.",
        banned_phrases: ["furever"],
      }),
    ).toEqual({
      tone: "warm",
      output_language: "en",
      extra_instructions: "Mention the adoption fee.",
      banned_phrases: ["furever"],
    });
  });

  it("fails with every problem, naming the field", () => {
    let error: unknown;
    try {
      parseOrganizationOverrides(
        { output_language: "klingon", banned_phrases: "x", colour: "red" },
        "tierheim-muenchen",
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as ValidationError).message;
    expect(message).toContain("tierheim-muenchen");
    expect(message).toMatch(/output_language: must be one of/);
    expect(message).toMatch(/banned_phrases:/);
    expect(message).toMatch(/colour/);
    expect((error as ValidationError).field).toMatch(/^llm_config/);
  });
});

describe("overrides in prompts", () => {
  const listing = prepareListing(toAnimal(realListing("thmuc-171066")));
  const overrides = parseOrganizationOverrides({
    tone: "sachlich",
    output_language: "en",
    extra_instructions: "Nenne keine Telefonzeiten.",
    banned_phrases: ["Seelenhund"],
  });

  it("change the output language and add tone, instructions and banned phrases", () => {
    const system = descriptionCleaningMessages(listing, overrides)[0]!.content;
    expect(system).toContain("Output language: en. Write the cleaned listing in English (en).");
    expect(system).toContain("Tone requested by the organization: sachlich.");
    expect(system).toContain("Nenne keine Telefonzeiten.");
    expect(system).toContain('Never use these phrases: "Seelenhund"');
    expect(dogProfilerMessages(listing, overrides)[0]!.content).toContain("Output language: en.");
  });

  it("keep the listing's own language without an output_language", () => {
    expect(descriptionCleaningMessages(listing, {})[0]!.content).toContain(
      "Output language: same as the listing (detected: German (de)).",
    );
    expect(dogProfilerMessages(listing, {})[0]!.content).toContain("Output language: de.");
  });

  it("name the translation target explicitly", () => {
    const system = translationMessages(
      { text: listing.text, targetLanguage: "es", preserve: ["HARCOS"] },
      {},
    )[0]!.content;
    expect(system.split("\n")[0]).toBe("rescue-llm prompt: translation@4");
    expect(system).toContain("Target language code: es (Spanish)");
    // The source language is the model's to read, not ours to assert (detection can be wrong).
    expect(system).not.toContain("German");
    expect(system).toContain("Keep these names exactly as written: HARCOS");
  });
});
