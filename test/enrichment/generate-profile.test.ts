import { describe, expect, it } from "vitest";
import { generateProfile } from "../../src/enrichment/generate-profile.js";
import { quoteFoundIn } from "../../src/enrichment/guards/normalized-match.js";
import { prepareListing } from "../../src/enrichment/input/prepare-listing.js";
import { dogProfilerMessages } from "../../src/enrichment/prompts/dog-profiler-prompt.js";
import { LlmError } from "../../src/errors.js";
import { answerLikeAModel } from "../../src/testing/fake-model-answers.js";
import { fakeStep } from "../../src/testing/fake-openrouter/fake-scenarios.js";
import { DATABASE_KINDS } from "../support/test-databases.js";
import { useEnrichmentHarness } from "./support/enrichment-harness.js";
import { realListing, toAnimal } from "./support/real-listings.js";

// A German listing from a Munich shelter: "Mit Hündinnen versteht sich Harcos gut, mit Rüden
// leider nicht" and "Er sucht ein kinderloses Zuhause" — nothing about cats.
const harcos = toAnimal(realListing("thmuc-171066"));

// "Otta and her brother Oscar are from a batch of 4 puppies rescued together. Their 2 siblings
// have since found homes, and this pair would love to find a home together!": long enough to
// profile (165 characters), and not one personality trait.
const otta = toAnimal(realListing("pfmy-test-ac9fb74b9"));

/** The fake's honest profile of Harcos (the `profile` member of its answer). */
function goodAnswer(): Record<string, unknown> {
  const messages = dogProfilerMessages(prepareListing(harcos), harcos.organizationOverrides);
  const answer = JSON.parse(answerLikeAModel({ model: "openrouter/auto", messages })) as {
    profile: Record<string, unknown>;
  };
  return answer.profile;
}

describe.each(DATABASE_KINDS)("generateProfile against the fake OpenRouter (%s)", (kind) => {
  const h = useEnrichmentHarness(kind);

  it("profiles a German listing with its language detected as de, every quote from the listing", async () => {
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome.status).toBe("succeeded");
    if (outcome.status !== "succeeded") return;
    expect(outcome.sourceLanguage).toBe("de");
    expect(outcome.promptVersion).toBe("dog_profiler@4");
    const profile = outcome.value;
    expect(profile.tagline.length).toBeLessThanOrEqual(60);
    expect(profile.good_with_cats).toBe("unknown");
    expect(profile.good_with_dogs).toBe("selective");
    const source = prepareListing(harcos).text;
    for (const e of profile.evidence) expect(quoteFoundIn(e.quote, source), e.quote).toBe(true);
    // The profile's own call, then its verification (LLM_VERIFY=profiles by default).
    expect(outcome.calls.map((c) => c.callKind ?? "generation")).toEqual([
      "generation",
      "verification",
    ]);
    expect(outcome.flags).toContain("verified");

    const body = h().fake.requests[0]!.body as {
      temperature: number;
      response_format?: { type: string };
      messages: { content: string }[];
    };
    expect(body.temperature).toBe(0.8);
    expect(body.messages[0]!.content).toContain("Output language: de.");
    expect(JSON.stringify(body.response_format)).toContain("json_schema");
    expect(JSON.stringify(body.response_format)).toContain("good_with_cats");

    const again = await generateProfile(h().deps, { animal: harcos });
    expect(again).toMatchObject({ status: "succeeded", sourceLanguage: "de" });
    expect(again.calls).toEqual([expect.objectContaining({ cacheHit: true })]);
    // One profile call and its verification, none for the cached rerun.
    expect(h().fake.stats.completions).toBe(2);
  });

  it("re-asks once after an invented cat claim and accepts the honest second answer", async () => {
    const invented = goodAnswer();
    invented.good_with_cats = "yes";
    (invented.evidence as unknown[]).push({
      field: "good_with_cats",
      claim: "yes",
      quote: "liebt Katzen über alles",
    });
    h().fake.script(fakeStep.content(JSON.stringify(invented)));
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome).toMatchObject({
      status: "succeeded",
      value: { good_with_cats: "unknown" },
      flags: ["verified", "reasked"],
    });
    expect(outcome.calls).toHaveLength(3);
    expect(outcome.calls[0]).toMatchObject({
      status: "rejected",
      reasons: [
        'evidence for good_with_cats "yes" is not in the listing: "liebt Katzen über alles"',
      ],
    });
  });

  it("accepts fenced JSON with trailing commas in one call", async () => {
    h().fake.script(
      fakeStep.content("```json\n" + JSON.stringify(goodAnswer()).replace(/}$/, ",}") + "\n```"),
    );
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome).toMatchObject({ status: "succeeded", flags: ["verified"] });
    expect(outcome.calls.filter((c) => c.callKind !== "verification")).toHaveLength(1);
  });

  it("forces an unsupported compatibility claim to unknown and records a flag", async () => {
    const answer = goodAnswer();
    answer.good_with_cats = "no";
    h().fake.script(fakeStep.content(JSON.stringify(answer)));
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome).toMatchObject({
      status: "succeeded",
      value: { good_with_cats: "unknown" },
      flags: ["good_with_cats_forced_unknown", "verified"],
    });
  });

  it("fails after one re-ask when both answers are truncated", async () => {
    const truncated = JSON.stringify(goodAnswer()).slice(0, 250);
    h().fake.script(fakeStep.content(truncated), fakeStep.content(truncated));
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome).toMatchObject({
      status: "failed",
      reasons: ["the JSON answer is truncated (it does not end with '}')"],
    });
    expect(outcome.calls).toHaveLength(2);
  });

  it("skips a listing that states no trait in one call, on the model's word: no re-ask, no verification", async () => {
    const outcome = await generateProfile(h().deps, { animal: otta });
    expect(outcome).toMatchObject({
      status: "skipped",
      code: "no_trait_stated",
      reason:
        'the model found no personality trait stated in the listing: "the listing states no trait"',
      flags: [],
      sourceLanguage: "en",
    });
    expect(outcome.calls).toEqual([
      expect.objectContaining({ status: "declined", cacheHit: false }),
    ]);
    expect(outcome.calls[0]!.promptTokens).toBeGreaterThan(0);
    expect(h().fake.stats.completions).toBe(1);
    const body = h().fake.requests[0]!.body as { messages: { content: string }[] };
    expect(body.messages[0]!.content).toContain('"no_profile": "the listing states no trait"');

    // The same answer again from the cache: still a skip, with no call.
    const again = await generateProfile(h().deps, { animal: otta });
    expect(again).toMatchObject({ status: "skipped", code: "no_trait_stated" });
    expect(again.calls).toEqual([expect.objectContaining({ cacheHit: true })]);
    expect(h().fake.stats.completions).toBe(1);
  });

  it("skips a listing that does state traits when the model answers no_profile: no invention asked for", async () => {
    h().fake.script(fakeStep.content('{"profile": null, "no_profile": "nothing to go on"}'));
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome).toMatchObject({ status: "skipped", code: "no_trait_stated", flags: [] });
    expect(outcome.status === "skipped" && outcome.reason).toContain('"nothing to go on"');
    expect(h().fake.stats.completions).toBe(1);
  });

  it("takes a no_profile answer to the re-ask as a skip too", async () => {
    const invented = goodAnswer();
    (invented.evidence as unknown[]).push({
      field: "good_with_cats",
      claim: "yes",
      quote: "liebt Katzen über alles",
    });
    invented.good_with_cats = "yes";
    h().fake.script(
      fakeStep.content(JSON.stringify({ profile: invented, no_profile: null })),
      fakeStep.content('{"profile": null, "no_profile": "no trait stated"}'),
    );
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome).toMatchObject({
      status: "skipped",
      code: "no_trait_stated",
      flags: ["reasked"],
    });
    expect(outcome.calls.map((c) => c.status)).toEqual(["rejected", "declined"]);
  });

  it("re-asks an answer with both a profile and no_profile", async () => {
    h().fake.script(
      fakeStep.content(JSON.stringify({ profile: goodAnswer(), no_profile: "none stated" })),
    );
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome).toMatchObject({ status: "succeeded", flags: ["verified", "reasked"] });
    expect(outcome.calls[0]).toMatchObject({
      status: "rejected",
      reasons: ["the answer has both a profile and no_profile: give one, the other null"],
    });
  });

  it("skips a thin listing without a call: thin sources are never padded", async () => {
    const thin = toAnimal(realListing("pfmy-test-378fcc4fc"));
    const outcome = await generateProfile(h().deps, { animal: thin });
    expect(outcome).toMatchObject({ status: "skipped", calls: [] });
    expect(outcome.status === "skipped" && outcome.reason).toMatch(
      /has 108 characters; a profile needs at least 150/,
    );
    expect(h().fake.stats.completions).toBe(0);
  });

  it("rethrows a fatal 402 so the run stops", async () => {
    h().fake.script(fakeStep.httpError(402));
    await expect(generateProfile(h().deps, { animal: harcos })).rejects.toMatchObject({
      category: "payment_required",
      fatalForRun: true,
    });
    await expect(
      (async () => {
        h().fake.script(fakeStep.httpError(401));
        return generateProfile(h().deps, { animal: harcos });
      })(),
    ).rejects.toBeInstanceOf(LlmError);
  });
});
