// GET /api/llm/experiments and GET /api/llm/experiments/:id (src/contract/experiment-json.ts).
import { z } from "zod";

export const experimentParamsSchema = z.strictObject({
  id: z.coerce
    .number()
    .int({ message: "must be a whole number" })
    .min(1)
    .max(2 ** 31 - 1)
    .describe("The experiment's id"),
});

const bound = z.number().nullable().describe("null: unbounded");

const experimentFields = {
  id: z.number().int(),
  name: z.string(),
  processing_type: z.string(),
  organization_id: z.number().int().nullable(),
  status: z.enum(["draft", "running", "stopped"]),
  promoted_arm: z.string().nullable(),
  promoted_prompt_version: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  stopped_at: z.string().nullable(),
  arms: z.array(
    z.object({
      name: z.string(),
      weight: z.number().int(),
      share_percent: z.number(),
      prompt_version: z.string(),
      model: z.string().nullable(),
      temperature: z.number().nullable(),
      source_file: z.string().nullable(),
    }),
  ),
};

export const experimentListResponseSchema = z
  .array(z.object(experimentFields))
  .meta({ id: "ExperimentList" });

export const experimentReportResponseSchema = z
  .object({
    ...experimentFields,
    results: z.array(
      z.object({
        arm: z.string(),
        items: z.number().int(),
        reviewed: z.number().int(),
        metrics: z.record(
          z.string(),
          z.object({
            value: z.number().describe("a rate's share (0..1) or a mean"),
            n: z.number().int(),
            ci_low: bound,
            ci_high: bound,
          }),
        ),
      }),
    ),
    comparisons: z.array(
      z.object({
        arm: z.string(),
        headline: z.string(),
        metrics: z.record(
          z.string(),
          z.object({
            difference: z.number().describe("arm minus control"),
            ci_low: bound,
            ci_high: bound,
            significant: z.boolean(),
            better: z.boolean(),
            worse: z.boolean(),
            n_control: z.number().int(),
            n_arm: z.number().int(),
          }),
        ),
      }),
    ),
    primary_metric: z.string(),
    verdict: z.string(),
  })
  .meta({ id: "ExperimentReport" });
