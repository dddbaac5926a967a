// What the review pages accept: the queue's query, the dog page's query and the action form.
// Empty form fields mean "not given".
import { z } from "zod";
import { PROCESSING_TYPES } from "../../config.js";
import { QUEUE_STATES } from "../../review/review-types.js";
import { languageCodeSchema, processingTypeSchema } from "../schemas/input-rules.js";

const dropEmpty = (value: unknown) =>
  value !== null && typeof value === "object"
    ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== ""))
    : value;

const text = (max: number) => z.string().max(max, { message: `must be at most ${max} characters` });

export const NOTICES = {
  approved: "Approved and published.",
  rejected: "Rejected. Nothing unreviewed is public.",
  edited: "Edit saved as the staff version; approve it to publish.",
  edited_with_findings: "Edit saved, with guard findings below; approve it only if they are fine.",
  rerun_succeeded: "Rerun done: the new output is below.",
  rerun_failed: "Rerun failed its checks; the reasons are below. Earlier results are kept.",
  rerun_skipped: "Rerun skipped (see below).",
  rerun_not_run: "Nothing was run.",
} as const;
export type NoticeCode = keyof typeof NOTICES;
const noticeSchema = z.enum(Object.keys(NOTICES) as [NoticeCode, ...NoticeCode[]]).optional();

export const queuePageQuerySchema = z.preprocess(
  dropEmpty,
  z.object({
    organization_id: text(100).optional(),
    processing_type: processingTypeSchema.optional(),
    language: languageCodeSchema.optional(),
    state: z.enum(QUEUE_STATES).default("to_review"),
    q: text(100).optional(),
    after: text(80).optional(),
    before: text(80).optional(),
    focus: text(80).optional(),
    notice: noticeSchema.catch(undefined),
  }),
);

export const dogPageParamsSchema = z.object({
  id: z.coerce.number().int().min(1).max(2_147_483_647),
});

export const dogPageQuerySchema = z.preprocess(
  dropEmpty,
  z.object({
    from: text(1000).optional(),
    focus: text(80).optional(),
    edit: text(10).optional(),
    notice: noticeSchema.catch(undefined),
  }),
);

export const signInBodySchema = z.object({
  api_key: text(500).default(""),
  next: text(1000).optional(),
  _csrf: z.string().optional(),
});

export const actionBodySchema = z.preprocess(
  (value) => {
    const v = dropEmpty(value) as Record<string, unknown>;
    // An empty target_language is the types without one.
    return { target_language: "", ...v };
  },
  z.object({
    _csrf: z.string().optional(),
    processing_type: z.enum(PROCESSING_TYPES, {
      message: `must be one of ${PROCESSING_TYPES.join(", ")}`,
    }),
    target_language: z.union([z.literal(""), languageCodeSchema]),
    action: z.enum(["approve", "reject", "edit", "rerun"]),
    text: text(20_000).optional(),
    reason: text(1000).optional(),
    replace_staff_edits: z.literal("true").optional(),
    from: text(1000).optional(),
    return_to: z.literal("queue").optional(),
    tagline: text(200).optional(),
    bio: text(2000).optional(),
    looking_for: text(1000).optional(),
    personality_traits: text(4000).optional(),
    interests: text(4000).optional(),
    fun_fact: text(400).optional(),
    fun_fact_quote: text(400).optional(),
    good_with_dogs: text(20).optional(),
    good_with_dogs_quote: text(400).optional(),
    good_with_cats: text(20).optional(),
    good_with_cats_quote: text(400).optional(),
    good_with_children: text(20).optional(),
    good_with_children_quote: text(400).optional(),
  }),
);
export type ActionBody = z.infer<typeof actionBodySchema>;
