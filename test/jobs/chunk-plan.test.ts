import { describe, expect, it } from "vitest";
import { chunkDataSchema, chunkItems, planJob, type PlanInput } from "../../src/jobs/chunk-plan.js";

const base = {
  processingType: "description_cleaning" as const,
  targetLanguages: [],
  force: false,
  batchSize: 5,
  chunkSize: 25,
} satisfies Omit<PlanInput, "work">;

const animals = (animalIds: number[]) => ({ animalIds });

describe("planJob", () => {
  it("splits ids into chunks of the chunk size, in id order, without duplicates", () => {
    const ids = Array.from({ length: 60 }, (_, i) => 60 - i).concat([5, 7]);
    const plan = planJob({ ...base, work: animals(ids) });
    expect(plan.chunks.map((c) => c.data.animalIds.length)).toEqual([25, 25, 10]);
    expect(plan.chunks.flatMap((c) => c.data.animalIds)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    expect(plan.totalItems).toBe(60);
  });

  it("derives the same ids from the same work, whatever the order it was given in", () => {
    const a = planJob({ ...base, work: animals([3, 1, 2]) });
    const b = planJob({ ...base, work: animals([1, 2, 3, 3]) });
    expect(b.parentId).toBe(a.parentId);
    expect(b.chunks.map((c) => c.id)).toEqual(a.chunks.map((c) => c.id));
    expect(a.parentId).toMatch(/^job-[0-9a-f]{24}$/);
    expect(a.chunks[0]?.id).toMatch(/^chunk-[0-9a-f]{24}$/);
  });

  it("derives different ids when type, ids, languages or force differ", () => {
    const ids = animals([1, 2, 3]);
    const variants = [
      planJob({ ...base, work: ids }),
      planJob({ ...base, work: animals([1, 2, 4]) }),
      planJob({ ...base, work: ids, force: true }),
      planJob({ ...base, work: ids, processingType: "dog_profiler" }),
      planJob({ ...base, work: ids, processingType: "translation", targetLanguages: ["de"] }),
      planJob({
        ...base,
        work: ids,
        processingType: "translation",
        targetLanguages: ["de", "fr"],
      }),
    ];
    expect(new Set(variants.map((p) => p.parentId)).size).toBe(variants.length);
    expect(new Set(variants.map((p) => p.chunks[0]?.id)).size).toBe(variants.length);
  });

  it("counts items per target language and carries the batch size to every chunk", () => {
    const translation = planJob({
      ...base,
      processingType: "translation",
      work: animals([1, 2]),
      targetLanguages: ["fr", "de", "fr"],
    });
    expect(translation.totalItems).toBe(4);
    expect(translation.chunks[0]?.data).toMatchObject({
      targetLanguages: ["de", "fr"],
      batchSize: 5,
    });
    expect(translation.chunks[0]?.data.limit).toBeUndefined();
    const cleaning = planJob({ ...base, work: animals([1, 2]) });
    expect(cleaning.chunks[0]?.data.targetLanguages).toBeUndefined();
  });

  it("plans a limited job as exactly the items picked, with each chunk's own limit", () => {
    // Three items of a translation into de and fr: both of animal 1, and de of animal 2.
    const items = [
      { animalId: 2, targetLanguage: "de" },
      { animalId: 1, targetLanguage: "fr" },
      { animalId: 1, targetLanguage: "de" },
    ];
    const plan = planJob({
      ...base,
      processingType: "translation",
      targetLanguages: ["de", "fr"],
      chunkSize: 1,
      work: { items },
    });
    expect(plan.totalItems).toBe(3);
    expect(plan.chunks.map((c) => [c.data.animalIds, c.data.limit])).toEqual([
      [[1], undefined], // both of its languages: no limit needed
      [[2], 1],
    ]);
    expect(plan.chunks.map((c) => chunkItems(c.data))).toEqual([2, 1]);
    expect(plan.parentId).not.toBe(
      planJob({
        ...base,
        processingType: "translation",
        targetLanguages: ["de", "fr"],
        work: animals([1, 2]),
      }).parentId,
    );
  });

  it("plans no chunks for no ids", () => {
    expect(planJob({ ...base, work: animals([]) }).chunks).toEqual([]);
  });
});

describe("chunkDataSchema", () => {
  it("reads what planJob wrote, and refuses what it did not", () => {
    const [chunk] = planJob({ ...base, work: animals([4, 5]) }).chunks;
    expect(chunkDataSchema.parse(JSON.parse(JSON.stringify(chunk?.data)))).toEqual(chunk?.data);
    expect(chunkDataSchema.safeParse({ ...chunk?.data, processingType: "poetry" }).success).toBe(
      false,
    );
    expect(chunkDataSchema.safeParse({ ...chunk?.data, animalIds: [] }).success).toBe(false);
  });
});
