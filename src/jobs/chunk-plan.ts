// Splits a job into chunks with ids derived from their content, so enqueueing the same work
// twice yields the same BullMQ job ids and BullMQ drops the duplicates.
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  PROCESSING_TYPES,
  SUPPORTED_LANGUAGES,
  type LanguageCode,
  type ProcessingType,
} from "../config.js";
import type { CandidateCursor } from "../enrichment/pipeline/enrichment-store.js";

/**
 * What one BullMQ job carries: one processing type over a few animals (and all targets).
 * Read back from Redis through `chunkDataSchema`, never trusted as it is.
 */
export interface ChunkData {
  readonly parentId: string;
  readonly processingType: ProcessingType;
  readonly animalIds: readonly number[];
  /** Absent for a type that does not fan out over languages. */
  readonly targetLanguages?: readonly LanguageCode[];
  readonly force: boolean;
  /** Rows per write statement, as the enqueuing request asked (`-b`, `batch_size`). */
  readonly batchSize?: number;
  /** Items of this chunk when the job's limit cut it short; absent: every animal × target. */
  readonly limit?: number;
  /** The enqueuing request's transport (`"mode": "batch"`, `--batch-api`); absent: LLM_BATCH_API. */
  readonly mode?: "sync" | "batch";
}

export const chunkDataSchema = z.object({
  parentId: z.string().min(1),
  processingType: z.enum(PROCESSING_TYPES),
  animalIds: z.array(z.number().int().positive()).min(1),
  targetLanguages: z.array(z.enum(SUPPORTED_LANGUAGES)).optional(),
  force: z.boolean(),
  batchSize: z.number().int().positive().optional(),
  limit: z.number().int().positive().optional(),
  mode: z.enum(["sync", "batch"]).optional(),
});

export interface PlannedChunk {
  readonly id: string;
  readonly data: ChunkData;
}

export interface JobPlan {
  readonly parentId: string;
  readonly processingType: ProcessingType;
  /** Items = animals × target languages (× 1 for the other types), or the limited items. */
  readonly totalItems: number;
  readonly chunks: readonly PlannedChunk[];
}

export interface PlanInput {
  readonly processingType: ProcessingType;
  /** Resolved targets; empty for a type that does not fan out over languages. */
  readonly targetLanguages: readonly LanguageCode[];
  readonly force: boolean;
  readonly batchSize?: number;
  readonly mode?: "sync" | "batch";
  /** Animals per chunk. */
  readonly chunkSize: number;
  /**
   * Every animal the job covers (the pipeline skips what is already done), or — for a job
   * with a limit — exactly the items it takes, in the pipeline's order.
   */
  readonly work:
    { readonly animalIds: readonly number[] } | { readonly items: readonly CandidateCursor[] };
}

export function planJob(input: PlanInput): JobPlan {
  const languages =
    input.targetLanguages.length > 0 ? [...new Set(input.targetLanguages)].sort() : undefined;
  const perAnimal = languages?.length ?? 1;
  // Items per animal, in id order: all targets, or the ones a limited job picked.
  const itemsPerAnimal = new Map<number, number>();
  let parentContent: unknown[];
  if ("animalIds" in input.work) {
    for (const id of [...input.work.animalIds].sort((a, b) => a - b))
      itemsPerAnimal.set(id, perAnimal);
    parentContent = [
      input.processingType,
      [...itemsPerAnimal.keys()],
      languages ?? null,
      input.force,
    ];
  } else {
    const items = [...input.work.items].sort(
      (a, b) => a.animalId - b.animalId || (a.targetLanguage < b.targetLanguage ? -1 : 1),
    );
    for (const item of items) {
      itemsPerAnimal.set(item.animalId, (itemsPerAnimal.get(item.animalId) ?? 0) + 1);
    }
    parentContent = [
      input.processingType,
      items.map((i) => [i.animalId, i.targetLanguage]),
      languages ?? null,
      input.force,
    ];
  }
  const parentId = contentId("job", parentContent);
  const ids = [...itemsPerAnimal.keys()];
  const chunks: PlannedChunk[] = [];
  let totalItems = 0;
  for (let start = 0; start < ids.length; start += input.chunkSize) {
    const chunkIds = ids.slice(start, start + input.chunkSize);
    const items = chunkIds.reduce((sum, id) => sum + (itemsPerAnimal.get(id) ?? 0), 0);
    totalItems += items;
    // The parent id is part of the content: two jobs sharing a chunk's ids must not share the
    // chunk, or the second job would wait forever for a chunk it never owned.
    const id = contentId("chunk", [parentId, chunkIds]);
    chunks.push({
      id,
      data: {
        parentId,
        processingType: input.processingType,
        animalIds: chunkIds,
        ...(languages !== undefined && { targetLanguages: languages }),
        force: input.force,
        ...(input.batchSize !== undefined && { batchSize: input.batchSize }),
        ...(input.mode !== undefined && { mode: input.mode }),
        ...(items < chunkIds.length * perAnimal && { limit: items }),
      },
    });
  }
  return { parentId, processingType: input.processingType, totalItems, chunks };
}

/** Items a chunk covers: its limit, or every animal × target. */
export function chunkItems(data: {
  readonly animalIds: readonly number[];
  readonly targetLanguages?: readonly LanguageCode[] | undefined;
  readonly limit?: number | undefined;
}): number {
  return data.limit ?? data.animalIds.length * (data.targetLanguages?.length ?? 1);
}

/** `kind-<hex>`: stable across processes and runs; no ':' (BullMQ reserves it in ids). */
export function contentId(kind: string, content: unknown): string {
  const digest = createHash("sha256").update(JSON.stringify(content)).digest("hex");
  return `${kind}-${digest.slice(0, 24)}`;
}
