// Field rules shared by several request schemas (issue 5 "Input rules").
import { z } from "zod";
import { PROCESSING_TYPES, SUPPORTED_LANGUAGES } from "../../config.js";

/** animals.id is a PostgreSQL integer; larger values could never match and would fail the cast. */
const MAX_INT4 = 2_147_483_647;

export const MAX_ANIMAL_IDS = 1000;
export const MAX_TEXT_CHARS = 20_000;

export const animalIdSchema = z
  .number()
  .int({ message: "must be a whole number" })
  .min(1, { message: "must be a positive integer" })
  .max(MAX_INT4, { message: `must be at most ${MAX_INT4}` });

export const animalIdsSchema = z
  .array(animalIdSchema)
  .min(1, { message: "must list at least one animal id" })
  .max(MAX_ANIMAL_IDS, { message: `must list at most ${MAX_ANIMAL_IDS} animal ids` })
  .refine((ids) => new Set(ids).size === ids.length, { message: "must not repeat an animal id" });

export const processingTypeSchema = z.enum(PROCESSING_TYPES, {
  message: `must be one of ${PROCESSING_TYPES.join(", ")}`,
});

export const languageCodeSchema = z.enum(SUPPORTED_LANGUAGES, {
  message: `must be an ISO 639-1 code from: ${SUPPORTED_LANGUAGES.join(",")}`,
});

/** An organization by its numeric id or its config_id (text of digits is tried as an id first). */
export const organizationIdSchema = z.union([
  animalIdSchema.describe("organizations.id"),
  z
    .string()
    .trim()
    .min(1, { message: "must not be empty" })
    .max(200, { message: "must be at most 200 characters" }),
]);

export const forceSchema = z
  .boolean()
  .optional()
  .describe("Redo items whose result already matches the current source and prompt version");
