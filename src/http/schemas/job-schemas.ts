// POST /api/llm/jobs, GET /api/llm/jobs/:id and its event stream.
import { z } from "zod";
import { SUPPORTED_LANGUAGES } from "../../config.js";
import { JOB_STATE_NAMES } from "../../jobs/job-queue.js";
import {
  animalIdsSchema,
  forceSchema,
  languageCodeSchema,
  organizationIdSchema,
  processingTypeSchema,
} from "./input-rules.js";

export const createJobBodySchema = z
  .strictObject({
    processing_type: processingTypeSchema,
    organization_id: organizationIdSchema
      .optional()
      .describe(
        "An organization's numeric id or its config_id; omit with animal_ids omitted for every animal",
      ),
    animal_ids: animalIdsSchema.optional(),
    target_languages: z
      .array(languageCodeSchema)
      .min(1, { message: "must list at least one language" })
      .max(SUPPORTED_LANGUAGES.length)
      .refine((codes) => new Set(codes).size === codes.length, {
        message: "must not repeat a language",
      })
      .optional()
      .describe("Only for translation; default LLM_TRANSLATION_LANGUAGES"),
    force: forceSchema,
    mode: z
      .enum(["sync", "batch"])
      .optional()
      .describe(
        "batch: through the provider's Batch API (about half price, answers within hours; a restarted server resumes waiting); default from LLM_BATCH_API",
      ),
    limit: z
      .number()
      .int({ message: "must be a whole number" })
      .min(1, { message: "must be at least 1" })
      .optional(),
  })
  .meta({ id: "CreateJobRequest" });

export type CreateJobBody = z.infer<typeof createJobBodySchema>;

export const jobIdParamsSchema = z.strictObject({
  id: z.string().min(1).max(200),
});

export const createJobResponseSchema = z
  .object({
    id: z.string(),
    status_url: z.string(),
    events_url: z.string(),
  })
  .meta({ id: "CreatedJob" });

export const jobStateSchema = z
  .object({
    id: z.string(),
    state: z.enum(JOB_STATE_NAMES),
    processing_type: z.string(),
    total: z.number().int(),
    done: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    llm_calls: z.number().int(),
    cost_usd: z.number(),
    failed_chunks: z.array(z.object({ chunk_id: z.string(), error: z.string() })),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: "JobState" });
