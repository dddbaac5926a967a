// A cleaning answered in the wrong language must not pass for a text already in that
// language, and a translation that needed no call never blanks the model that served.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeTranslation } from "../../../src/testing/fake-model-answers.js";
import { fakeStep } from "../../../src/testing/fake-openrouter/fake-scenarios.js";
import {
  createPipelineFixture,
  runRequest,
  seedListings,
  sharedListings,
  type PipelineFixture,
} from "../../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../../support/test-databases.js";

const ENGLISH = sharedListings(
  1,
  (l) => l.external_id === "pfmy-test-02661c4c5", // Lenny: nervous and shy
);
const GERMAN = sharedListings(1, (l) => l.external_id === "thmuc-171066");

interface Row {
  id: number;
  translations: Record<string, string> | null;
  llm_model_used: string | null;
  llm_processing_flags: Record<string, unknown> | null;
}

async function rows(f: PipelineFixture): Promise<Row[]> {
  return f.services.db.query<Row>(
    "SELECT id, translations, llm_model_used, llm_processing_flags FROM animals ORDER BY id",
  );
}

describe.each(DATABASE_KINDS)("translation after a cleaning on %s", (kind) => {
  let f: PipelineFixture;
  beforeEach(async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, [...ENGLISH, ...GERMAN]);
  });
  afterEach(async () => {
    await f.dispose();
  });

  it("a cleaning answered in Spanish is rejected, re-asked once, and stores nothing", async () => {
    const spanish = fakeTranslation(String(ENGLISH[0]!.description), "es", ["Lenny"]);
    f.fake.script(fakeStep.content(spanish), fakeStep.content(spanish));
    const result = await runRequest(f.services, {
      processingType: "description_cleaning",
      limit: 1,
    });
    expect(result.failed).toBe(1);
    const [row] = await f.services.db.query<{ enriched_description: string | null }>(
      "SELECT enriched_description FROM animals ORDER BY id LIMIT 1",
    );
    expect(row!.enriched_description).toBeNull();
  });

  it("translates the original when the stored cleaned text is in another language, and keeps the model", async () => {
    const spanish = fakeTranslation(String(ENGLISH[0]!.description), "es", ["Lenny"]);
    const [english] = await rows(f);
    await f.services.db.query(
      "UPDATE animals SET enriched_description = $1, llm_model_used = 'vendor/cleaner-1' WHERE id = $2",
      [spanish, english!.id],
    );
    await runRequest(f.services, { processingType: "translation", targetLanguages: ["es"] });
    const [after] = await rows(f);
    expect(after!.translations?.es).toBeDefined();
    // What went to the model was the English original, not the Spanish "cleaned" text.
    const sent = f.fake.requests.map((r) => JSON.stringify(r.body));
    const original = JSON.stringify(String(ENGLISH[0]!.description)).slice(1, 60);
    expect(sent.some((s) => s.includes("Target language code: es") && s.includes(original))).toBe(
      true,
    );
    expect(JSON.stringify(after!.llm_processing_flags)).toContain(
      "cleaned_text_in_other_language:es",
    );
    expect(JSON.stringify(after!.llm_processing_flags)).not.toContain("already_in_target_language");
    expect(after!.llm_model_used).not.toBeNull();
  });

  it("a text already in the target language needs no call and never writes NULL over the model", async () => {
    const german = (await rows(f))[1]!;
    await f.services.db.query(
      "UPDATE animals SET llm_model_used = 'vendor/cleaner-1' WHERE id = $1",
      [german.id],
    );
    f.fake.reset();
    await runRequest(f.services, { processingType: "translation", targetLanguages: ["de"] });
    const after = (await rows(f))[1]!;
    expect(after.translations?.de).toBeDefined();
    expect(JSON.stringify(after.llm_processing_flags)).toContain("already_in_target_language");
    expect(after.llm_model_used).toBe("vendor/cleaner-1");
  });
});
