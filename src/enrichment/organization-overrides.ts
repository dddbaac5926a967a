// Per-organization prompt overrides, stored in organizations.llm_config (JSONB, migration 006).
//
// Fields (all optional; unknown fields are rejected so typos do not pass silently):
//   tone                free text, <= 200 chars, e.g. "warm and playful"; added to every prompt
//   output_language     ISO 639-1 code; cleaning and profiles are written in it instead of the
//                       listing's own language (translation always uses its explicit target)
//   extra_instructions  free text, <= 1000 chars, appended to the system prompt (the
//                       organization is trusted; the listing text never is)
//   banned_phrases      up to 50 phrases (<= 100 chars each) that outputs must not contain,
//                       on top of the built-in cliché list for profiles
//   review_mode         off | required: this organization's REVIEW_MODE (publishing only: it
//                       is not part of the source hash, so switching it redoes no work)
import { z } from "zod";
import { REVIEW_MODES, SUPPORTED_LANGUAGES } from "../config.js";
import { ValidationError } from "../errors.js";

export const organizationOverridesSchema = z
  .strictObject({
    tone: z.string().trim().min(1).max(200).optional(),
    output_language: z
      .enum(SUPPORTED_LANGUAGES, { message: `must be one of ${SUPPORTED_LANGUAGES.join(",")}` })
      .optional(),
    extra_instructions: z.string().trim().min(1).max(1000).optional(),
    banned_phrases: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    review_mode: z
      .enum(REVIEW_MODES, { message: `must be one of ${REVIEW_MODES.join(", ")}` })
      .optional(),
  })
  .readonly();

export type OrganizationOverrides = z.infer<typeof organizationOverridesSchema>;

export const NO_OVERRIDES: OrganizationOverrides = Object.freeze({});

/**
 * Parses organizations.llm_config. NULL means no overrides; anything invalid throws a
 * ValidationError naming each bad field, so a broken config is fixed, not half-applied.
 */
export function parseOrganizationOverrides(
  value: unknown,
  organization = "organization",
): OrganizationOverrides {
  if (value === null || value === undefined) return NO_OVERRIDES;
  const parsed = organizationOverridesSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    return `${path}: ${issue.message}`;
  });
  const field = parsed.error.issues[0]?.path[0];
  throw new ValidationError(
    `Invalid llm_config for ${organization}: ${problems.join("; ")}`,
    field === undefined ? "llm_config" : `llm_config.${String(field)}`,
  );
}

/** The lines an override adds to a system prompt (empty when there are none). */
export function overrideInstructions(overrides: OrganizationOverrides): string[] {
  const lines: string[] = [];
  if (overrides.tone) lines.push(`Tone requested by the organization: ${overrides.tone}.`);
  if (overrides.banned_phrases && overrides.banned_phrases.length > 0) {
    lines.push(
      `${BANNED_PHRASES_LINE_PREFIX}${overrides.banned_phrases.map((p) => JSON.stringify(p)).join("; ")}`,
    );
  }
  if (overrides.extra_instructions) {
    lines.push(`Additional instructions from the organization: ${overrides.extra_instructions}`);
  }
  return lines;
}

/** Prefix of the prompt line listing banned phrases (the fake model reads it). */
export const BANNED_PHRASES_LINE_PREFIX = "Never use these phrases: ";
