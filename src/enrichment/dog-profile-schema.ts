// The structured profile (SPEC §6). Counts live in the schema sent to the provider too (inside
// the answer of profile-answer.ts), so its JSON-schema mode enforces them; lengths are checked
// here only (see LOCAL_ONLY_KEYWORDS); what a schema cannot say (bio sentences, evidence found
// in the source) is checked by guards/profile-guards.ts.
import { z } from "zod";

export const COMPATIBILITY_VALUES = ["yes", "no", "selective", "unknown"] as const;
export type Compatibility = (typeof COMPATIBILITY_VALUES)[number];

export const COMPATIBILITY_FIELDS = [
  "good_with_dogs",
  "good_with_cats",
  "good_with_children",
] as const;
export type CompatibilityField = (typeof COMPATIBILITY_FIELDS)[number];

/** Which claims must carry a quote from the listing. */
export const EVIDENCE_FIELDS = [
  "personality_traits",
  "interests",
  "fun_fact",
  ...COMPATIBILITY_FIELDS,
] as const;
export type EvidenceField = (typeof EVIDENCE_FIELDS)[number];

export const TAGLINE_MAX_CHARS = 60;

export const PROFILE_COUNTS = {
  traits: { min: 1, max: 5 },
  interests: { min: 0, max: 4 },
} as const;

const compatibility = z.enum(COMPATIBILITY_VALUES).default("unknown");

export const evidenceSchema = z.strictObject({
  /** The profile field the claim belongs to. */
  field: z.enum(EVIDENCE_FIELDS),
  /** The claim itself: the trait, the interest, the fun fact, or the compatibility value. */
  claim: z.string().trim().min(1).max(200),
  /** Words copied verbatim from the listing that support the claim. */
  quote: z.string().trim().min(3).max(300),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const dogProfileSchema = z.strictObject({
  tagline: z.string().trim().min(1).max(TAGLINE_MAX_CHARS),
  bio: z.string().trim().min(1).max(800),
  looking_for: z.string().trim().min(1).max(400),
  // SPEC §6: only what the listing says — a count never forces a claim it does not make.
  personality_traits: z
    .array(z.string().trim().min(1).max(40))
    .min(PROFILE_COUNTS.traits.min)
    .max(PROFILE_COUNTS.traits.max),
  interests: z
    .array(z.string().trim().min(1).max(60))
    .min(PROFILE_COUNTS.interests.min)
    .max(PROFILE_COUNTS.interests.max),
  fun_fact: z.string().trim().min(1).max(200).nullable(),
  good_with_dogs: compatibility,
  good_with_cats: compatibility,
  good_with_children: compatibility,
  evidence: z.array(evidenceSchema).max(24),
});
export type DogProfile = z.infer<typeof dogProfileSchema>;

/**
 * Keywords left out of the schema sent as response_format: they cost prompt tokens on every
 * profile call (88 of the 391 the full schema takes) and buy nothing there, since
 * dogProfileSchema enforces every length and default on the answer anyway (a breach is
 * re-asked with the reason) and the tagline's limit is in the prompt. Types, enums, required
 * fields and the counts (minItems/maxItems) stay: they shape what the model writes.
 */
const LOCAL_ONLY_KEYWORDS = new Set(["minLength", "maxLength", "default"]);

function withoutLocalOnlyKeywords(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLocalOnlyKeywords);
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !LOCAL_ONLY_KEYWORDS.has(key))
      .map(([key, value]) => [key, withoutLocalOnlyKeywords(value)]),
  );
}

/**
 * JSON Schema of `schema` for `response_format: json_schema` (every property required, no
 * extras), without the local-only keywords.
 */
export function responseFormatSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: "output" }) as Record<
    string,
    unknown
  >;
  return withoutLocalOnlyKeywords(json) as Record<string, unknown>;
}
