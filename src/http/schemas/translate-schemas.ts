// POST /api/llm/translate: free text, not stored.
import { z } from "zod";
import { languageCodeSchema, MAX_TEXT_CHARS } from "./input-rules.js";

export const translateBodySchema = z
  .strictObject({
    text: z
      .string()
      .max(MAX_TEXT_CHARS, { message: `must be at most ${MAX_TEXT_CHARS} characters` })
      .refine((t) => t.trim().length > 0, { message: "must not be empty" }),
    target_language: languageCodeSchema,
    source_language: languageCodeSchema.optional().describe("Detected when absent"),
  })
  .meta({ id: "TranslateRequest" });

export type TranslateBody = z.infer<typeof translateBodySchema>;

export const translateResponseSchema = z
  .object({
    translated_text: z.string(),
    source_language: z
      .string()
      .describe('Given or detected ISO 639-1 code; "und" when too short to tell'),
    target_language: z.string(),
    model: z
      .string()
      .describe(
        'The model that served the call; "none" when the text was already in the target language',
      ),
  })
  .meta({ id: "TranslateResponse" });

export type TranslateResponse = z.infer<typeof translateResponseSchema>;
