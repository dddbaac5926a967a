import { describe, expect, it } from "vitest";
import {
  COMPATIBILITY_VALUES,
  dogProfileSchema,
  PROFILE_COUNTS,
  TAGLINE_MAX_CHARS,
} from "../../src/enrichment/dog-profile-schema.js";
import { PROFILE_ANSWER_JSON_SCHEMA } from "../../src/enrichment/profile-answer.js";
import { MINIMAL_PROFILE } from "./support/minimal-profile.js";

type Node = Record<string, unknown>;
// The profile is the first branch of the answer's nullable `profile` member.
const profileNode = (
  (PROFILE_ANSWER_JSON_SCHEMA.properties as Record<string, Node>).profile?.anyOf as Node[]
)[0]!;
const properties = profileNode.properties as Record<string, Node>;

const profile = MINIMAL_PROFILE;

describe("the profile schema sent as response_format", () => {
  it("leaves out lengths and defaults, which cost tokens on every call", () => {
    const sent = JSON.stringify(PROFILE_ANSWER_JSON_SCHEMA);
    for (const keyword of ["minLength", "maxLength", "default"]) {
      expect(sent).not.toContain(`"${keyword}"`);
    }
  });

  it("keeps the shape the model must write: fields, counts, enums, no extras", () => {
    expect(profileNode.required).toEqual(Object.keys(properties));
    expect(profileNode.additionalProperties).toBe(false);
    expect(properties.personality_traits).toMatchObject({
      minItems: PROFILE_COUNTS.traits.min,
      maxItems: PROFILE_COUNTS.traits.max,
    });
    expect(properties.interests).toMatchObject({ maxItems: PROFILE_COUNTS.interests.max });
    expect(properties.good_with_cats).toMatchObject({ enum: [...COMPATIBILITY_VALUES] });
    expect((properties.evidence?.items as Node).required).toEqual(["field", "claim", "quote"]);
  });

  it("while the answer is still checked against every length", () => {
    expect(dogProfileSchema.safeParse(profile).success).toBe(true);
    const long = { ...profile, tagline: "x".repeat(TAGLINE_MAX_CHARS + 1) };
    expect(dogProfileSchema.safeParse(long).success).toBe(false);
    const shortQuote = { ...profile, evidence: [{ ...profile.evidence[0], quote: "ab" }] };
    expect(dogProfileSchema.safeParse(shortQuote).success).toBe(false);
  });
});
