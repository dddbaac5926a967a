// The verification pass (issue 14 part 2) through the real client and the fake OpenRouter:
// a verdict against a claim fails the output and the re-ask carries it; a verification that
// fails or cannot be read never lets an output through; LLM_VERIFY picks the types and
// LLM_VERIFY_MODEL the judge; verdicts are cached.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanDescription } from "../../../src/enrichment/clean-description.js";
import { dogProfileSchema } from "../../../src/enrichment/dog-profile-schema.js";
import { generateProfile } from "../../../src/enrichment/generate-profile.js";
import { profileClaims } from "../../../src/enrichment/verification/output-claims.js";
import { prepareListing } from "../../../src/enrichment/input/prepare-listing.js";
import { dogProfilerMessages } from "../../../src/enrichment/prompts/dog-profiler-prompt.js";
import { REASK_HEADER } from "../../../src/enrichment/prompts/reask-message.js";
import { answerLikeAModel } from "../../../src/testing/fake-model-answers.js";
import { readClaims } from "../../../src/testing/fake-claim-check.js";
import { fakeStep } from "../../../src/testing/fake-openrouter/fake-scenarios.js";
import { DATABASE_KINDS } from "../../support/test-databases.js";
import { createEnrichmentHarness, type EnrichmentHarness } from "../support/enrichment-harness.js";
import { realListing, toAnimal } from "../support/real-listings.js";

// "Mit Hündinnen versteht sich Harcos gut, mit Rüden leider nicht", "kinderloses Zuhause".
const harcos = toAnimal(realListing("thmuc-171066"));

/** Verdicts for every claim of `profile`: supported but for `judged` (claim number → verdict). */
function verdicts(
  profile: string,
  judged: Record<number, { verdict: string; reason: string }>,
): string {
  const claims = profileClaims(dogProfileSchema.parse(profileIn(profile)), "de");
  return JSON.stringify(
    Object.fromEntries(
      claims.map((_, i) => {
        const v = judged[i + 1];
        return [String(i + 1), v ? `${v.verdict}: ${v.reason}` : "supported"];
      }),
    ),
  );
}

/** The profile member of a profiler answer. */
function profileIn(answer: string): unknown {
  return (JSON.parse(answer) as { profile: unknown }).profile;
}

/** The fake's honest answer for Harcos: {"profile": {…}, "no_profile": null}. */
function honestProfile(): string {
  const messages = dogProfilerMessages(prepareListing(harcos), harcos.organizationOverrides);
  return answerLikeAModel({ model: "openrouter/auto", messages });
}

interface SentBody {
  model: string;
  temperature: number;
  messages: { role: string; content: string }[];
}

function harnessFor(kind: (typeof DATABASE_KINDS)[number], env: Record<string, string>) {
  let h: EnrichmentHarness | undefined;
  beforeAll(async () => {
    h = await createEnrichmentHarness(kind, { env });
  });
  afterEach(async () => {
    h!.fake.reset();
    h!.cache.clearMemory();
    await h!.cache.flush();
    await h!.database.db.exec("DELETE FROM llm_cache");
  });
  afterAll(() => h?.dispose());
  return () => h!;
}

describe.each(DATABASE_KINDS)("verification pass, LLM_VERIFY default (%s)", (kind) => {
  const h = harnessFor(kind, { LLM_VERIFY_MODEL: "judge/claim-checker" });

  it("asks the judge about every claim of a profile, with the listing as data", async () => {
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome.status).toBe("succeeded");
    const [, verification] = h().fake.requests.map((r) => r.body as unknown as SentBody);
    expect(verification!.model).toBe("judge/claim-checker");
    expect(verification!.temperature).toBe(0);
    const user = verification!.messages.find((m) => m.role === "user")!.content;
    expect(user).toContain("<listing>");
    const fields = readClaims(user).map((c) => c.field);
    expect(fields).toEqual(expect.arrayContaining(["tagline", "bio", "looking_for"]));
    expect(fields).toContain("personality_traits");
    expect(fields).toContain("good_with_dogs");
  });

  it("fails a profile on an unsupported claim and re-asks with that claim as the reason", async () => {
    const profile = honestProfile();
    const parsed = profileIn(profile) as { personality_traits: string[] };
    const revised = JSON.stringify({
      profile: { ...parsed, tagline: `Harcos: ${parsed.personality_traits[0]!}` },
      no_profile: null,
    });
    h().fake.script(
      fakeStep.content(profile),
      fakeStep.content(
        verdicts(profile, { 2: { verdict: "unsupported", reason: "the listing never says so" } }),
      ),
      fakeStep.content(revised),
    );
    const outcome = await generateProfile(h().deps, { animal: harcos });
    // The revised answer goes to the fake's own judge, which passes it.
    expect(outcome).toMatchObject({ status: "succeeded", flags: ["verified", "reasked"] });
    const reask = (h().fake.requests[2]!.body as unknown as SentBody).messages.at(-1)!.content;
    expect(reask).toContain(REASK_HEADER);
    expect(reask).toMatch(/verification: the profile's \w+ claim ".+" is unsupported/);
    expect(reask).toContain("the listing never says so");
    expect(outcome.calls.map((c) => [c.callKind ?? "generation", c.status])).toEqual([
      ["generation", "rejected"],
      ["verification", "rejected"],
      ["generation", "accepted"],
      ["verification", "accepted"],
    ]);
  });

  it("fails a profile the judge finds contradicted twice, keeping the judge's reason", async () => {
    const profile = honestProfile();
    const contradicted = verdicts(profile, {
      1: { verdict: "contradicted", reason: "says the opposite" },
    });
    h().fake.script(
      fakeStep.content(profile),
      fakeStep.content(contradicted),
      fakeStep.content(profile),
      fakeStep.content(contradicted),
    );
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.reasons.join(" ")).toMatch(/is contradicted — the listing contradicts it/);
  });

  it("never passes an output whose verification cannot be read", async () => {
    h().fake.script(fakeStep.content(honestProfile()), fakeStep.content("I think it is fine."));
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.reasons[0]).toMatch(/^the verification answer could not be read/);
    // The judge's failure, not the output's: it is a provider error, not a failed check.
    expect(outcome.calls.at(-1)).toMatchObject({
      callKind: "verification",
      status: "error",
      errorCategory: "invalid_response",
    });
  });

  it("never passes an output whose verification skips a claim", async () => {
    h().fake.script(
      fakeStep.content(honestProfile()),
      // Claim 2 is skipped; claim 3's answer is no verdict at all.
      fakeStep.content(JSON.stringify({ 1: "supported", 3: "probably fine" })),
    );
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.reasons[0]).toMatch(/gave no readable verdict for claim\(s\) 2, 3, 4/);
  });

  it("never passes an output whose verification call fails", async () => {
    h().fake.script(
      fakeStep.content(honestProfile()),
      fakeStep.httpError(503),
      fakeStep.httpError(503),
    );
    const outcome = await generateProfile(h().deps, { animal: harcos });
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.reasons[0]).toMatch(/^the verification call failed \(provider_unavailable\)/);
  });

  it("caches a verified profile: the same request again makes no call", async () => {
    await generateProfile(h().deps, { animal: harcos });
    const before = h().fake.requests.length;
    const again = await generateProfile(h().deps, { animal: harcos });
    expect(again).toMatchObject({ status: "succeeded", flags: ["verified"] });
    expect(h().fake.requests.length).toBe(before);
  });

  it("does not verify cleaned descriptions under LLM_VERIFY=profiles", async () => {
    const outcome = await cleanDescription(h().deps, { animal: harcos });
    expect(outcome.status).toBe("succeeded");
    expect(outcome.calls.map((c) => c.callKind ?? "generation")).toEqual(["generation"]);
  });
});

describe.each(DATABASE_KINDS)("verification pass, LLM_VERIFY=all and off (%s)", (kind) => {
  const all = harnessFor(kind, { LLM_VERIFY: "all" });
  const off = harnessFor(kind, { LLM_VERIFY: "off" });

  it("verifies a cleaned description sentence by sentence under LLM_VERIFY=all", async () => {
    const outcome = await cleanDescription(all().deps, { animal: harcos });
    expect(outcome).toMatchObject({ status: "succeeded", flags: ["verified"] });
    const judge = all().fake.requests[1]!.body as unknown as SentBody;
    const claims = readClaims(judge.messages.find((m) => m.role === "user")!.content);
    expect(claims.length).toBeGreaterThan(3);
    expect(new Set(claims.map((c) => c.field))).toEqual(new Set(["sentence"]));
  });

  it("makes no verification call under LLM_VERIFY=off", async () => {
    const outcome = await generateProfile(off().deps, { animal: harcos });
    expect(outcome.status).toBe("succeeded");
    if (outcome.status !== "succeeded") return;
    expect(outcome.flags).not.toContain("verified");
    expect(off().fake.requests).toHaveLength(1);
  });
});
