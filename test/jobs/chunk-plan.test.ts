import { describe, expect, it } from "vitest";
import { planJob } from "../../src/jobs/chunk-plan.js";

const base = {
  processingType: "description_cleaning" as const,
  targetLanguages: [],
  force: false,
  chunkSize: 25,
};

describe("planJob", () => {
  it("splits ids into chunks of the chunk size, in id order, without duplicates", () => {
    const ids = Array.from({ length: 60 }, (_, i) => 60 - i).concat([5, 7]);
    const plan = planJob({ ...base, animalIds: ids });
    expect(plan.chunks.map((c) => c.data.animalIds.length)).toEqual([25, 25, 10]);
    expect(plan.chunks.flatMap((c) => c.data.animalIds)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    expect(plan.totalItems).toBe(60);
  });

  it("derives the same ids from the same work, whatever the order it was given in", () => {
    const a = planJob({ ...base, animalIds: [3, 1, 2] });
    const b = planJob({ ...base, animalIds: [1, 2, 3, 3] });
    expect(b.parentId).toBe(a.parentId);
    expect(b.chunks.map((c) => c.id)).toEqual(a.chunks.map((c) => c.id));
    expect(a.parentId).toMatch(/^job-[0-9a-f]{24}$/);
    expect(a.chunks[0]?.id).toMatch(/^chunk-[0-9a-f]{24}$/);
  });

  it("derives different ids when type, ids, languages or force differ", () => {
    const ids = [1, 2, 3];
    const variants = [
      planJob({ ...base, animalIds: ids }),
      planJob({ ...base, animalIds: [1, 2, 4] }),
      planJob({ ...base, animalIds: ids, force: true }),
      planJob({ ...base, animalIds: ids, processingType: "dog_profiler" }),
      planJob({ ...base, animalIds: ids, processingType: "translation", targetLanguages: ["de"] }),
      planJob({
        ...base,
        animalIds: ids,
        processingType: "translation",
        targetLanguages: ["de", "fr"],
      }),
    ];
    expect(new Set(variants.map((p) => p.parentId)).size).toBe(variants.length);
    expect(new Set(variants.map((p) => p.chunks[0]?.id)).size).toBe(variants.length);
  });

  it("counts translation items per target language and ignores languages for other types", () => {
    const translation = planJob({
      ...base,
      processingType: "translation",
      animalIds: [1, 2],
      targetLanguages: ["fr", "de", "fr"],
    });
    expect(translation.totalItems).toBe(4);
    expect(translation.chunks[0]?.data.targetLanguages).toEqual(["de", "fr"]);
    const cleaning = planJob({ ...base, animalIds: [1, 2], targetLanguages: ["de"] });
    expect(cleaning.chunks[0]?.data.targetLanguages).toBeUndefined();
    expect(cleaning.parentId).toBe(planJob({ ...base, animalIds: [1, 2] }).parentId);
  });

  it("plans no chunks for no ids", () => {
    expect(planJob({ ...base, animalIds: [] }).chunks).toEqual([]);
  });
});
