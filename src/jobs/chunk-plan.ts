// Splits a job into chunks with ids derived from their content, so enqueueing the same work
// twice yields the same BullMQ job ids and BullMQ drops the duplicates.
import { createHash } from "node:crypto";
import type { LanguageCode, ProcessingType } from "../config.js";

/** What one BullMQ job carries: one processing type over a few animals (and all targets). */
export interface ChunkData {
  readonly parentId: string;
  readonly processingType: ProcessingType;
  readonly animalIds: readonly number[];
  /** Only for translation. */
  readonly targetLanguages?: readonly LanguageCode[];
  readonly force: boolean;
}

export interface PlannedChunk {
  readonly id: string;
  readonly data: ChunkData;
}

export interface JobPlan {
  readonly parentId: string;
  readonly processingType: ProcessingType;
  /** Items = animals × target languages (× 1 for the other types). */
  readonly totalItems: number;
  readonly chunks: readonly PlannedChunk[];
}

export interface PlanInput {
  readonly processingType: ProcessingType;
  readonly animalIds: readonly number[];
  /** Resolved targets (request or config default); ignored unless translation. */
  readonly targetLanguages: readonly LanguageCode[];
  readonly force: boolean;
  readonly chunkSize: number;
}

export function planJob(input: PlanInput): JobPlan {
  const ids = [...new Set(input.animalIds)].sort((a, b) => a - b);
  const languages =
    input.processingType === "translation" ? [...new Set(input.targetLanguages)].sort() : undefined;
  const parentId = contentId("job", [input.processingType, ids, languages ?? null, input.force]);
  const chunks: PlannedChunk[] = [];
  for (let start = 0; start < ids.length; start += input.chunkSize) {
    const chunkIds = ids.slice(start, start + input.chunkSize);
    // The parent id is part of the content: two jobs sharing a chunk's ids must not share the
    // chunk, or the second job would wait forever for a chunk it never owned.
    const id = contentId("chunk", [parentId, chunkIds]);
    chunks.push({
      id,
      data: {
        parentId,
        processingType: input.processingType,
        animalIds: chunkIds,
        ...(languages ? { targetLanguages: languages } : {}),
        force: input.force,
      },
    });
  }
  return {
    parentId,
    processingType: input.processingType,
    totalItems: ids.length * (languages?.length ?? 1),
    chunks,
  };
}

/** `kind-<hex>`: stable across processes and runs; no ':' (BullMQ reserves it in ids). */
export function contentId(kind: string, content: unknown): string {
  const digest = createHash("sha256").update(JSON.stringify(content)).digest("hex");
  return `${kind}-${digest.slice(0, 24)}`;
}
