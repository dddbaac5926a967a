// What the profiler may answer: a profile, or its word that the listing states no personality
// trait (SPEC §6: no profile is better than an invented one, and a schema never forces a claim).
// Strict structured outputs (OpenAI's, as OpenRouter passes them on) allow no anyOf at the root
// and no optional property, so the answer is an object with two required, nullable members:
//   {"profile": {…}, "no_profile": null}   or   {"profile": null, "no_profile": "<why>"}.
// A provider that ignores response_format may answer the bare profile or a bare
// {"no_profile": "<why>"}: both are read as well.
import { z } from "zod";
import { dogProfileSchema, responseFormatSchema, type DogProfile } from "./dog-profile-schema.js";
import { parseModelJson, type ParsedJson } from "./parse-model-json.js";

const noProfileReason = z.string().trim().min(1).max(200);

export const profileAnswerSchema = z.strictObject({
  profile: dogProfileSchema.nullable(),
  no_profile: noProfileReason.nullable(),
});

const bareNoProfileSchema = z.strictObject({ no_profile: noProfileReason });

/** The schema sent as `response_format` with every profile request. */
export const PROFILE_ANSWER_JSON_SCHEMA: Record<string, unknown> =
  responseFormatSchema(profileAnswerSchema);

export type ProfileAnswer =
  | { readonly kind: "profile"; readonly profile: DogProfile }
  /** `reason`: the model's own words, for people (at most 200 characters). */
  | { readonly kind: "no_profile"; readonly reason: string };

/** Reads an answer's content: broken JSON or a breach of the schema gives the reasons. */
export function readProfileAnswer(content: string): ParsedJson<ProfileAnswer> {
  const parsed = parseModelJson(content, z.record(z.string(), z.unknown()));
  if (!parsed.ok) return parsed;
  const keys = parsed.value;
  if ("profile" in keys) {
    const answer = parseModelJson(content, profileAnswerSchema);
    if (!answer.ok) return answer;
    const { profile, no_profile: reason } = answer.value;
    if (profile !== null && reason !== null) {
      return {
        ok: false,
        reasons: ["the answer has both a profile and no_profile: give one, the other null"],
      };
    }
    if (profile !== null) return { ok: true, value: { kind: "profile", profile } };
    if (reason !== null) return { ok: true, value: { kind: "no_profile", reason } };
    return { ok: false, reasons: ["the answer has neither a profile nor a no_profile reason"] };
  }
  if ("no_profile" in keys && !("tagline" in keys)) {
    const bare = parseModelJson(content, bareNoProfileSchema);
    return bare.ok
      ? { ok: true, value: { kind: "no_profile", reason: bare.value.no_profile } }
      : bare;
  }
  const bare = parseModelJson(content, dogProfileSchema);
  return bare.ok ? { ok: true, value: { kind: "profile", profile: bare.value } } : bare;
}
