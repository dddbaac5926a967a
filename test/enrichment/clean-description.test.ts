import { describe, expect, it } from "vitest";
import { cleanDescription } from "../../src/enrichment/clean-description.js";
import { prepareListing } from "../../src/enrichment/input/prepare-listing.js";
import { LlmError } from "../../src/errors.js";
import { fakeStep } from "../../src/testing/fake-openrouter/fake-scenarios.js";
import { DATABASE_KINDS } from "../support/test-databases.js";
import { useEnrichmentHarness } from "./support/enrichment-harness.js";
import { realListing, toAnimal } from "./support/real-listings.js";

describe.each(DATABASE_KINDS)("cleanDescription against the fake OpenRouter (%s)", (kind) => {
  const h = useEnrichmentHarness(kind);

  // Mojibake, a phone number and a bare domain: all of it must survive cleaning unchanged.
  const lucille = toAnimal(realListing("pfus-41718006"));

  it("cleans a real listing in one call, then serves it from the cache", async () => {
    const outcome = await cleanDescription(h().deps, { animal: lucille });
    expect(outcome.status).toBe("succeeded");
    if (outcome.status !== "succeeded") return;
    expect(outcome.value).toContain("Hi, I’m Lucille");
    expect(outcome.value).toContain("919-560-0640");
    expect(outcome.value).not.toMatch(/â|<|&/);
    expect(outcome.model).toBe("openai/gpt-4o-mini");
    expect(outcome.sourceLanguage).toBe("en");
    expect(outcome.calls).toEqual([
      expect.objectContaining({
        cacheHit: false,
        status: "accepted",
        model: "openai/gpt-4o-mini",
        attempts: 1,
      }),
    ]);
    expect(outcome.calls[0]!.promptTokens).toBeGreaterThan(0);

    const body = h().fake.requests[0]!.body as {
      temperature: number;
      messages: { content: string }[];
    };
    expect(body.temperature).toBe(0.3);
    expect(body.messages[0]!.content.split("\n")[0]).toBe(
      "rescue-llm prompt: description_cleaning@3",
    );
    // The call names the detected language; the placeholder only stands in for it in the key.
    expect(body.messages[0]!.content).toContain("(detected: English (en))");

    const again = await cleanDescription(h().deps, { animal: lucille });
    expect(again).toMatchObject({ status: "succeeded", calls: [{ cacheHit: true, costUsd: 0 }] });
    // A hit detects nothing: the language comes back with the cached answer.
    expect(again.sourceLanguage).toBe("en");
    expect(h().fake.stats.completions).toBe(1);
  });

  it("re-asks once with the reasons when the first answer drops a fact", async () => {
    const text = prepareListing(lucille).text;
    h().fake.script(fakeStep.content(text.replace("919-560-0640", "our office")));
    const outcome = await cleanDescription(h().deps, { animal: lucille });
    expect(outcome).toMatchObject({ status: "succeeded", flags: ["reasked"] });
    expect(outcome.calls.map((c) => c.status)).toEqual(["rejected", "accepted"]);
    expect(h().fake.stats.completions).toBe(2);
    const reask = (h().fake.requests[1]!.body as { messages: { role: string; content: string }[] })
      .messages;
    expect(reask.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(reask[3]!.content).toMatch(
      /failed these checks:\n- drops number\(s\) from the listing: 919, 560, 640/,
    );
  });

  it("fails with the reasons after one re-ask, and caches nothing", async () => {
    h().fake.script(
      fakeStep.content("<p>Lucille is great!</p>"),
      fakeStep.content("Lucille. Visit www.cheap-dogs.example"),
    );
    const outcome = await cleanDescription(h().deps, { animal: lucille });
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.calls).toHaveLength(2);
    expect(outcome.reasons.join("\n")).toMatch(
      /adds a link that is not in the listing: cheap-dogs\.example/,
    );
    expect(outcome.reasons.join("\n")).toMatch(/too short/);
    // Nothing was cached: the next attempt asks the provider again (and now gets a good answer).
    const retry = await cleanDescription(h().deps, { animal: lucille });
    expect(retry).toMatchObject({ status: "succeeded", calls: [{ cacheHit: false }] });
  });

  it("turns a provider failure that outlived its retries into a failed outcome naming the category", async () => {
    h().fake.script(fakeStep.httpError(503), fakeStep.httpError(503));
    const outcome = await cleanDescription(h().deps, { animal: lucille });
    expect(outcome).toMatchObject({
      status: "failed",
      reasons: [expect.stringMatching(/^LLM call failed \(provider_unavailable\)/)],
      calls: [{ status: "error", errorCategory: "provider_unavailable", cacheHit: false }],
    });
  });

  it("rethrows a fatal 401 so the run stops", async () => {
    h().fake.script(fakeStep.httpError(401));
    const error = await cleanDescription(h().deps, { animal: lucille }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).fatalForRun).toBe(true);
    expect(String((error as LlmError).message)).not.toContain("enrichment-test-key");
  });

  it("skips a listing without a description, without a call", async () => {
    const outcome = await cleanDescription(h().deps, {
      animal: { ...lucille, description: "  <br> " },
    });
    expect(outcome).toEqual({
      status: "skipped",
      code: "no_source_text",
      reason: "the listing has no description",
      sourceLanguage: undefined,
      calls: [],
    });
    expect(h().fake.stats.completions).toBe(0);
  });
});
