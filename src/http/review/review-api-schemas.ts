// Request and response schemas of the review API (SPEC §5): GET /api/animals/:id/enrichment,
// GET /api/llm/review, POST /api/llm/review/:animal_id.
import { z } from "zod";
import { QUEUE_STATES, REVIEW_ACTIONS, REVIEW_STATES } from "../../review/review-types.js";
import {
  animalIdSchema,
  languageCodeSchema,
  processingTypeSchema,
} from "../schemas/input-rules.js";

export const animalParamsSchema = z.object({
  id: z.coerce
    .number({ message: "must be a whole number" })
    .pipe(animalIdSchema)
    .describe("animals.id"),
});

export const reviewActionParamsSchema = z.object({
  animal_id: z.coerce
    .number({ message: "must be a whole number" })
    .pipe(animalIdSchema)
    .describe("animals.id"),
});

const provenance = {
  origin: z
    .enum(["pipeline", "staff", "legacy"])
    .nullable()
    .describe("pipeline: a model output; staff: a staff edit; legacy: found when review began"),
  model: z.string().nullable(),
  prompt_version: z.string().nullable(),
  source_hash: z.string().nullable().describe("SHA-256 of the source it was made from"),
  made_at: z.string().nullable(),
  made_by: z.string().nullable().describe("The staff key label, for edits"),
};

export const publishedResultSchema = z
  .object({
    processing_type: processingTypeSchema,
    target_language: z.string().nullable(),
    review_state: z.enum(REVIEW_STATES).nullable(),
    published: z.boolean(),
    value: z.unknown().describe("The published value: text, profile object, or null"),
    ...provenance,
    published_at: z.string().nullable(),
    published_by: z.string().nullable().describe("Key label; null when published automatically"),
    reviewed_by: z.string().nullable(),
    reviewed_at: z.string().nullable(),
    review_reason: z.string().nullable(),
    pending_review: z.boolean().describe("A newer version than the published one waits for review"),
    stale: z.boolean().describe("Made from a source that has changed since"),
    flagged: z.boolean(),
    flags: z.array(z.string()),
    last_attempt: z.object({
      status: z.string(),
      at: z.string().nullable(),
      error: z.string().nullable(),
      attempts: z.number().int(),
    }),
  })
  .meta({ id: "PublishedResult" });

export const animalEnrichmentResponseSchema = z
  .object({
    animal_id: z.number().int(),
    external_id: z.string().nullable(),
    name: z.string(),
    organization: z.object({
      id: z.number().int(),
      config_id: z.string().nullable(),
      name: z.string(),
    }),
    review_mode: z.enum(["off", "required"]),
    results: z.array(publishedResultSchema),
  })
  .meta({ id: "AnimalEnrichment" });

export const reviewQueueQuerySchema = z.strictObject({
  organization_id: z.string().trim().min(1).max(100).optional().describe("Numeric id or config_id"),
  processing_type: processingTypeSchema.optional(),
  language: languageCodeSchema.optional().describe("A translation's target language"),
  state: z
    .enum(QUEUE_STATES, { message: `must be one of ${QUEUE_STATES.join(", ")}` })
    .default("to_review"),
  q: z
    .string()
    .trim()
    .max(100, { message: "must be at most 100 characters" })
    .optional()
    .describe("Prefix of the dog's name or external id (case-insensitive)"),
  after: z.string().max(80).optional().describe("next_cursor of the previous page"),
  before: z.string().max(80).optional().describe("prev_cursor of the previous page"),
  limit: z.coerce
    .number({ message: "must be a whole number" })
    .int({ message: "must be a whole number" })
    .min(1, { message: "must be at least 1" })
    .max(200, { message: "must be at most 200" })
    .default(50),
});

const countsSchema = z.object(
  Object.fromEntries(QUEUE_STATES.map((s) => [s, z.number().int()])) as Record<
    (typeof QUEUE_STATES)[number],
    z.ZodNumber
  >,
);

export const reviewQueueResponseSchema = z
  .object({
    items: z.array(
      z.object({
        animal_id: z.number().int(),
        name: z.string(),
        external_id: z.string().nullable(),
        organization_id: z.number().int(),
        organization_name: z.string(),
        processing_type: processingTypeSchema,
        target_language: z.string().nullable(),
        review_state: z.enum(REVIEW_STATES).nullable(),
        attempt_status: z.string(),
        published: z.boolean(),
        published_is_current: z.boolean(),
        staff_edited: z.boolean(),
        flagged: z.boolean(),
        stale: z.boolean(),
        flags: z.array(z.string()),
        model: z.string().nullable(),
        error: z.string().nullable(),
        updated_at: z.string().nullable(),
      }),
    ),
    counts: countsSchema,
    next_cursor: z.string().nullable(),
    prev_cursor: z.string().nullable(),
  })
  .meta({ id: "ReviewQueue" });

export const reviewActionBodySchema = z
  .strictObject({
    processing_type: processingTypeSchema,
    target_language: languageCodeSchema.optional().describe("Required for translation"),
    action: z.enum(REVIEW_ACTIONS, { message: `must be one of ${REVIEW_ACTIONS.join(", ")}` }),
    text: z
      .string()
      .max(20_000, { message: "must be at most 20000 characters" })
      .optional()
      .describe("edit: the new cleaned description or translation"),
    profile: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("edit: the new profile (the dog profile schema)"),
    reason: z
      .string()
      .max(1000, { message: "must be at most 1000 characters" })
      .optional()
      .describe("Required to reject"),
  })
  .meta({ id: "ReviewActionRequest" });

export const reviewActionResponseSchema = z
  .object({
    animal_id: z.number().int(),
    processing_type: processingTypeSchema,
    target_language: z.string().nullable(),
    action: z.enum(REVIEW_ACTIONS),
    review_state: z.enum(REVIEW_STATES).nullable(),
    published: z.boolean().describe("The version in effect is what the animals columns hold"),
    version_id: z.number().int().nullable(),
    findings: z.array(z.string()).describe("The guards' findings on an edit"),
  })
  .meta({ id: "ReviewActionResponse" });
