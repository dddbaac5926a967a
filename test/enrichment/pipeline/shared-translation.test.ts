// A listing goes out once for all of its target languages (translation-set.ts): one call per
// animal instead of one per language, each language's part checked on its own, a bad part
// re-asked for that language alone, and the same through the Batch API, resumable.
import { afterEach, describe, expect, it } from "vitest";
import { planDryRun } from "../../../src/enrichment/pipeline/plan-dry-run.js";
import { resolveRunRequest } from "../../../src/enrichment/pipeline/resolve-run-request.js";
import {
  answerLikeAModel,
  readFakeRequest,
  type FakeCompletionRequest,
} from "../../../src/testing/fake-model-answers.js";
import {
  createPipelineFixture,
  runRequest,
  seedListings,
  sharedListings,
  type PipelineFixture,
} from "../../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../../support/test-databases.js";
import { waitFor } from "../../support/wait-for.js";

const LISTINGS = sharedListings(
  4,
  (l) =>
    l.organization === "petfinder-my" &&
    String(l.description).length > 200 &&
    String(l.description).length < 600,
);
type Target = "es" | "fr" | "de";
const TARGETS: Target[] = ["es", "fr", "de"];

interface LogRow {
  animal_id: number;
  target_language: string;
  status: string;
  prompt_tokens: number;
  error_message: string | null;
}

async function callLog(f: PipelineFixture): Promise<LogRow[]> {
  return f.services.db.query<LogRow>(
    `SELECT animal_id, target_language, status, prompt_tokens, error_message
       FROM llm_processing_logs WHERE processing_type = 'translation'
      ORDER BY animal_id, target_language, id`,
  );
}

async function translations(f: PipelineFixture): Promise<Record<string, string>[]> {
  const rows = await f.services.db.query<{ translations: Record<string, string> | null }>(
    "SELECT translations FROM animals ORDER BY id",
  );
  return rows.map((r) => r.translations ?? {});
}

const systemOf = (body: Record<string, unknown>) =>
  String((body.messages as { role: string; content: string }[])[0]!.content);

/** The fake's honest answer, with one language's part of a shared answer changed. */
function changingPart(code: string, change: (parts: Record<string, string>) => void) {
  return (request: FakeCompletionRequest): string => {
    const honest = answerLikeAModel(request);
    if (readFakeRequest(request).targetLanguages.length === 0) return honest;
    const parts = JSON.parse(honest) as Record<string, string>;
    if (parts[code] !== undefined) change(parts);
    return JSON.stringify(parts);
  };
}

describe.each(DATABASE_KINDS)("shared translation calls on %s", (kind) => {
  let f: PipelineFixture;
  afterEach(async () => {
    await f.dispose();
  });

  it("translates each listing into every target language with one call, and a rerun makes none", async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS);
    const summary = await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: TARGETS,
    });
    expect(summary.succeeded).toBe(LISTINGS.length * TARGETS.length);
    expect(summary.llmCalls).toBe(LISTINGS.length);
    expect(f.fake.stats.completions).toBe(LISTINGS.length);
    for (const request of f.fake.requests) {
      expect(systemOf(request.body)).toContain(
        "Target language codes: de (German), es (Spanish), fr (French)",
      );
    }
    for (const row of await translations(f)) {
      expect(Object.keys(row).sort()).toEqual(["de", "es", "fr"]);
      for (const text of Object.values(row)) expect(text.length).toBeGreaterThan(50);
    }
    // One row pays for the call; its siblings' rows say they were answered without one.
    const log = await callLog(f);
    expect(log.filter((r) => r.status === "succeeded")).toHaveLength(LISTINGS.length);
    expect(log.filter((r) => r.status === "succeeded").every((r) => r.prompt_tokens > 0)).toBe(
      true,
    );
    const siblings = log.filter((r) => r.status === "cache_hit");
    expect(siblings).toHaveLength(LISTINGS.length * (TARGETS.length - 1));
    expect(siblings.every((r) => r.prompt_tokens === 0)).toBe(true);

    const rerun = await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: TARGETS,
    });
    expect(rerun.processed).toBe(0);
    expect(f.fake.stats.completions).toBe(LISTINGS.length);
  });

  it("a claimed page that ends inside a listing's languages still sends that listing once", async () => {
    f = await createPipelineFixture(kind);
    // 20 listings × 3 languages: the first page (50 items) ends after the 17th's second.
    const many = sharedListings(20, (l) => l.organization === "petfinder-my");
    await seedListings(f.services, many);
    const summary = await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: TARGETS,
    });
    expect(summary.succeeded).toBe(many.length * TARGETS.length);
    expect(f.fake.stats.completions).toBe(many.length);
  });

  it("re-asks a part that fails its checks for that language alone, and keeps the others", async () => {
    f = await createPipelineFixture(kind, {
      // The French part comes back as the English listing: the wrong language.
      fake: {
        responder: (request) =>
          changingPart("fr", (parts) => {
            parts.fr = readFakeRequest(request).listing;
          })(request),
      },
    });
    await seedListings(f.services, LISTINGS.slice(0, 1));
    const summary = await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: TARGETS,
    });
    expect(summary.succeeded).toBe(TARGETS.length);
    expect(f.fake.stats.completions).toBe(2);
    const reask = f.fake.requests[1]!.body;
    expect(systemOf(reask)).toContain("Target language code: fr (French)");
    expect(systemOf(reask)).not.toContain("Target language codes:");
    const roles = (reask.messages as { role: string }[]).map((m) => m.role);
    expect(roles).toEqual(["system", "user", "assistant", "user"]);
    const log = await callLog(f);
    const fr = log.filter((r) => r.target_language === "fr");
    // Its first round (the shared answer's part) was refused; the re-ask was its own call.
    expect(fr.map((r) => r.status)).toEqual([expect.not.stringMatching("succeeded"), "succeeded"]);
    expect(fr[0]!.error_message).toMatch(/language/i);
    const [row] = await translations(f);
    expect(row!.fr).not.toBe(String(LISTINGS[0]!.description));
  });

  it("a shared answer without one language re-asks that language, saying which is missing", async () => {
    f = await createPipelineFixture(kind, {
      fake: {
        responder: changingPart("de", (parts) => {
          delete parts.de;
        }),
      },
    });
    await seedListings(f.services, LISTINGS.slice(0, 1));
    const summary = await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: TARGETS,
    });
    expect(summary.succeeded).toBe(TARGETS.length);
    expect(f.fake.stats.completions).toBe(2);
    const de = (await callLog(f)).filter((r) => r.target_language === "de");
    expect(de.map((r) => r.status)).toEqual([expect.not.stringMatching("succeeded"), "succeeded"]);
    expect(de[0]!.error_message).toContain("has no de translation");
  });

  it("shares the call only among the languages still to do", async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS.slice(0, 2));
    await runRequest(f.services, { processingType: "translation", targetLanguages: ["es"] });
    expect(f.fake.stats.completions).toBe(2);
    expect(systemOf(f.fake.requests[0]!.body)).toContain("Target language code: es (Spanish)");
    const more = await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: TARGETS,
    });
    expect(more.succeeded).toBe(4);
    expect(f.fake.stats.completions).toBe(4);
    for (const request of f.fake.requests.slice(2)) {
      expect(systemOf(request.body)).toContain("Target language codes: de (German), fr (French)");
    }
  });

  it("estimates one prompt per listing in the dry run, and an answer per language", async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS);
    const estimate = async (targetLanguages: Target[]) =>
      planDryRun(
        f.services.pipeline,
        await resolveRunRequest(f.services.pipeline, {
          processingType: "translation",
          targetLanguages,
        }),
      );
    const one = await estimate(["es"]);
    const three = await estimate(TARGETS);
    expect(three.wouldCall).toBe(3 * one.wouldCall);
    // The listing is sent once: far less than three prompts, about three answers.
    expect(three.estimatedPromptTokens).toBeLessThan(1.5 * one.estimatedPromptTokens);
    expect(three.estimatedCompletionTokens).toBeGreaterThan(2.5 * one.estimatedCompletionTokens);
    expect(f.fake.stats.completions).toBe(0);
  });

  it("sends one batch request per listing, holds every language's claim, and resumes without resubmitting", async () => {
    f = await createPipelineFixture(kind, {
      env: { LLM_DEFAULT_MODEL: "openai/gpt-4o-mini", LLM_BATCH_API_POLL_SECONDS: "0.02" },
      // Long enough for the checks below to see the batch live.
      fake: { batch: { turnaroundMs: 1500 } },
    });
    await seedListings(f.services, LISTINGS);
    const control = new AbortController();
    const first = runRequest(
      f.services,
      { processingType: "translation", targetLanguages: TARGETS, mode: "batch" },
      { signal: control.signal, runId: "run-stopped" },
    );
    await waitFor(async () => {
      const rows = await f.services.db.query<{ state: string }>("SELECT state FROM llm_batches");
      return rows.some((r) => r.state === "live");
    });
    expect(f.fake.stats.batchRequests).toBe(LISTINGS.length);
    control.abort();
    const stopped = await first;
    expect(stopped.openBatches).toHaveLength(1);
    // Every language of a listing in the open batch stays claimed, not only the request's own.
    const claims = await f.services.db.query<{ claimed_by: string | null }>(
      "SELECT claimed_by FROM llm_enrichments WHERE processing_type = 'translation'",
    );
    expect(claims.map((c) => c.claimed_by)).toEqual(
      Array(LISTINGS.length * TARGETS.length).fill("run-stopped"),
    );
    const alongside = await planDryRun(
      f.services.pipeline,
      await resolveRunRequest(f.services.pipeline, {
        processingType: "translation",
        targetLanguages: TARGETS,
      }),
    );
    expect(alongside.itemCount).toBe(0);

    const resumed = await runRequest(f.services, {
      processingType: "translation",
      targetLanguages: TARGETS,
    });
    expect(resumed.transportReason).toBe("resumed open batches");
    expect(resumed.succeeded).toBe(LISTINGS.length * TARGETS.length);
    expect(f.fake.stats.batchSubmissions).toBe(1);
    expect(f.fake.stats.completions).toBe(0);
    for (const row of await translations(f)) {
      expect(Object.keys(row).sort()).toEqual(["de", "es", "fr"]);
    }
  });
});
