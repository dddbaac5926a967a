// POST /api/llm/enrich and POST /api/llm/batch-enrich.
import { z } from "zod";
import {
  animalIdSchema,
  animalIdsSchema,
  forceSchema,
  languageCodeSchema,
  processingTypeSchema,
} from "./input-rules.js";

const replaceStaffEditsSchema = z
  .boolean()
  .optional()
  .describe("With force: new outputs replace staff edits (otherwise a staff edit stands)");

export const enrichBodySchema = z
  .strictObject({
    animal_id: animalIdSchema,
    processing_type: processingTypeSchema,
    target_language: languageCodeSchema
      .optional()
      .describe("Only for translation; default: every language in LLM_TRANSLATION_LANGUAGES"),
    force: forceSchema,
    replace_staff_edits: replaceStaffEditsSchema,
  })
  .meta({ id: "EnrichRequest" });

export type EnrichBody = z.infer<typeof enrichBodySchema>;

/** batch_size is capped by LLM_BATCH_MAX_SIZE, so the schema is built from the config. */
export function batchEnrichBodySchema(maxBatchSize: number) {
  return z
    .strictObject({
      animal_ids: animalIdsSchema,
      processing_type: processingTypeSchema,
      batch_size: z
        .number()
        .int({ message: "must be a whole number" })
        .min(1, { message: "must be at least 1" })
        .max(maxBatchSize, { message: `must be at most ${maxBatchSize} (LLM_BATCH_MAX_SIZE)` })
        .optional()
        .describe("Rows written per transaction; default LLM_BATCH_DEFAULT_SIZE"),
      force: forceSchema,
      replace_staff_edits: replaceStaffEditsSchema,
    })
    .meta({ id: "BatchEnrichRequest" });
}

export type BatchEnrichBody = z.infer<ReturnType<typeof batchEnrichBodySchema>>;

export const itemResultSchema = z.object({
  animal_id: z.number().int(),
  target_language: z.string().optional(),
  status: z.enum(["succeeded", "failed", "skipped"]),
  reasons: z.array(z.string()).optional(),
});

export const enrichResponseSchema = z
  .object({
    success: z.boolean().describe("True when no item failed"),
    message: z.string(),
    processed_count: z.number().int().describe("Items enriched successfully"),
    failed_count: z.number().int(),
    skipped_count: z.number().int().describe("Items already up to date, or with too little source"),
  })
  .meta({ id: "EnrichResponse" });

export const batchEnrichResponseSchema = enrichResponseSchema
  .extend({ results: z.array(itemResultSchema) })
  .meta({ id: "BatchEnrichResponse" });

export type EnrichResponse = z.infer<typeof enrichResponseSchema>;
export type BatchEnrichResponse = z.infer<typeof batchEnrichResponseSchema>;
