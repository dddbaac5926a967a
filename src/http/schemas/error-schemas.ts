// The one error body every non-2xx response carries (SPEC §5).
import { z } from "zod";

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe("Stable machine-readable code, e.g. invalid_input, not_found"),
      message: z.string().describe("Human-readable; names the field for invalid input"),
      field: z.string().optional().describe("The offending input field, for invalid_input"),
    }),
  })
  .meta({ id: "ErrorBody" });

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Error responses documented on every route. */
export const commonErrorResponses = {
  400: errorBodySchema,
  429: errorBodySchema,
  500: errorBodySchema,
} as const;

/** Error responses a mutating (authenticated, body-carrying) route can return as well. */
export const postErrorResponses = {
  ...commonErrorResponses,
  401: errorBodySchema,
  413: errorBodySchema,
  415: errorBodySchema,
} as const;
