import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../src/enrichment/input/detect-language.js";
import { cleanSourceText } from "../../src/enrichment/input/clean-source-text.js";
import { translateText } from "../../src/enrichment/translate-text.js";
import { LlmError } from "../../src/errors.js";
import { fakeStep } from "../../src/testing/fake-openrouter/fake-scenarios.js";
import { DATABASE_KINDS } from "../support/test-databases.js";
import { useEnrichmentHarness } from "./support/enrichment-harness.js";
import { realListing } from "./support/real-listings.js";

const dora = realListing("pfus-41465935");
const text = dora.description!;

describe.each(DATABASE_KINDS)("translateText against the fake OpenRouter (%s)", (kind) => {
  const h = useEnrichmentHarness(kind);

  it("translates a real English listing into Spanish, keeping the name and every number", async () => {
    const outcome = await translateText(h().deps, {
      text,
      targetLanguage: "es",
      preserve: ["Dora"],
    });
    expect(outcome.status).toBe("succeeded");
    if (outcome.status !== "succeeded") return;
    expect(outcome.value.sourceLanguage).toBe("en");
    expect(detectLanguage(outcome.value.text)).toBe("es");
    expect(outcome.value.text).toContain("Dora");
    for (const n of ["8/16/07", "11", "7", "250.00"]) expect(outcome.value.text).toContain(n);
    const body = h().fake.requests[0]!.body as {
      temperature: number;
      messages: { content: string }[];
    };
    expect(body.temperature).toBe(0.2);
    expect(body.messages[0]!.content).toContain("Target language code: es");
    expect(body.messages[0]!.content.split("\n")[0]).toBe("rescue-llm prompt: translation@4");
  });

  it("caches per target language", async () => {
    await translateText(h().deps, { text, targetLanguage: "fr", preserve: ["Dora"] });
    const de = await translateText(h().deps, { text, targetLanguage: "de", preserve: ["Dora"] });
    const frAgain = await translateText(h().deps, {
      text,
      targetLanguage: "fr",
      preserve: ["Dora"],
    });
    expect(de.calls[0]!.cacheHit).toBe(false);
    expect(frAgain.calls[0]!.cacheHit).toBe(true);
    expect(h().fake.stats.completions).toBe(2);
  });

  it("re-asks once after a wrong-language answer", async () => {
    h().fake.script(fakeStep.content(cleanSourceText(text)));
    const outcome = await translateText(h().deps, {
      text,
      targetLanguage: "es",
      preserve: ["Dora"],
    });
    expect(outcome).toMatchObject({ status: "succeeded", flags: ["reasked"] });
    expect(outcome.calls[0]).toMatchObject({
      status: "rejected",
      reasons: ["the translation is not in the target language es (detected en)"],
    });
    expect(outcome.calls).toHaveLength(2);
  });

  it("fails with the reasons when the re-ask is in the wrong language too", async () => {
    h().fake.script(
      fakeStep.content(cleanSourceText(text)),
      fakeStep.content(cleanSourceText(text)),
    );
    const outcome = await translateText(h().deps, {
      text,
      targetLanguage: "it",
      preserve: ["Dora"],
    });
    expect(outcome).toMatchObject({
      status: "failed",
      reasons: ["the translation is not in the target language it (detected en)"],
    });
    expect(outcome.calls).toHaveLength(2);
  });

  it("needs no call when the text is already in the target language", async () => {
    const german = realListing("thmuc-182523").description!;
    const outcome = await translateText(h().deps, { text: german, targetLanguage: "de" });
    expect(outcome).toMatchObject({
      status: "succeeded",
      flags: ["already_in_target_language"],
      calls: [],
    });
    expect(h().fake.stats.completions).toBe(0);
  });

  it("rethrows a fatal 401", async () => {
    h().fake.script(fakeStep.httpError(401));
    const error = await translateText(h().deps, { text, targetLanguage: "nl" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).category).toBe("auth");
  });
});
