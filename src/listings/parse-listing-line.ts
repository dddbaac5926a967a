// One JSONL line of the import format (SPEC §4) → a listing ready to store, or a reason
// naming the field. Fields outside SPEC §4 are kept as they are in `properties`.
import { z } from "zod";

/** A listing as read from the file; `organization` is the line's config_id, if any. */
export interface ParsedListing {
  readonly externalId: string;
  readonly organization: string | undefined;
  /** '' when the source has no name (null): the column is NOT NULL and a name is never invented. */
  readonly name: string;
  readonly breed: string | null;
  readonly ageText: string | null;
  readonly sex: string | null;
  readonly size: string | null;
  /** null when absent: the store then uses the column default ('en'). */
  readonly language: string | null;
  readonly adoptionUrl: string | null;
  /** The listing's status (e.g. "adoptable", "adopted"); null → the column default 'available'. */
  readonly status: string | null;
  /** `description` plus every field that has no column of its own. */
  readonly properties: Readonly<Record<string, unknown>>;
}

export type ParseResult =
  | { readonly ok: true; readonly listing: ParsedListing }
  | { readonly ok: false; readonly reason: string };

const describeType = (input: unknown): string =>
  input === null ? "null" : Array.isArray(input) ? "array" : typeof input;

const requiredText = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? "required"
        : `expected a string, got ${describeType(issue.input)}`,
  })
  .refine((v) => v.trim() !== "", { message: "must not be empty" });

// null and "" both mean "not given": stored as SQL NULL, never as the text "None".
const optionalText = z
  .string({ error: (issue) => `expected a string or null, got ${describeType(issue.input)}` })
  .nullish()
  .transform((v) => (v === undefined || v === null || v.trim() === "" ? null : v));

const lineSchema = z.looseObject({
  external_id: requiredText,
  name: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? "required (use null when the listing has no name)"
          : `expected a string or null, got ${describeType(issue.input)}`,
    })
    .nullable(),
  description: requiredText,
  breed: optionalText,
  age_text: optionalText,
  sex: optionalText,
  size: optionalText,
  language: optionalText,
  adoption_url: optionalText,
  organization: optionalText,
  status: optionalText,
});

/** Fields with a column of their own; everything else except `description` is a property. */
const COLUMN_FIELDS = new Set([
  "external_id",
  "name",
  "breed",
  "age_text",
  "sex",
  "size",
  "language",
  "adoption_url",
  "organization",
  "status",
]);

export function parseListingLine(line: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, reason: `expected a JSON object, got ${describeType(value)}` };
  }
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .map((issue) => `${issue.path.map(String).join(".") || "line"}: ${issue.message}`)
      .join("; ");
    return { ok: false, reason };
  }
  const raw = value as Record<string, unknown>;
  const data = parsed.data;
  const properties: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    if (!COLUMN_FIELDS.has(key)) properties[key] = v;
  }
  return {
    ok: true,
    listing: {
      externalId: data.external_id,
      organization: data.organization ?? undefined,
      name: data.name ?? "",
      breed: data.breed,
      ageText: data.age_text,
      sex: data.sex,
      size: data.size,
      language: data.language,
      adoptionUrl: data.adoption_url,
      status: data.status,
      properties,
    },
  };
}
