import { describe, expect, it } from "vitest";
import {
  PROFILE_ANSWER_JSON_SCHEMA,
  readProfileAnswer,
} from "../../src/enrichment/profile-answer.js";
import { MINIMAL_PROFILE } from "./support/minimal-profile.js";

const profile = MINIMAL_PROFILE;

type Node = Record<string, unknown>;

describe("the profiler's answer schema (response_format)", () => {
  it("stays within strict structured outputs: an object root, every member required, nulls instead of optional members", () => {
    const schema = PROFILE_ANSWER_JSON_SCHEMA;
    expect(schema.type).toBe("object");
    expect(schema).not.toHaveProperty("anyOf");
    expect(schema.additionalProperties).toBe(false);
    const properties = schema.properties as Record<string, Node>;
    expect(Object.keys(properties)).toEqual(["profile", "no_profile"]);
    expect(schema.required).toEqual(["profile", "no_profile"]);
    expect(properties.profile?.anyOf).toEqual([
      expect.objectContaining({ type: "object", additionalProperties: false }),
      { type: "null" },
    ]);
    expect(properties.no_profile?.anyOf).toEqual([{ type: "string" }, { type: "null" }]);
  });
});

describe("readProfileAnswer", () => {
  it("reads a profile and a no-profile answer in the schema's shape", () => {
    expect(readProfileAnswer(JSON.stringify({ profile, no_profile: null }))).toMatchObject({
      ok: true,
      value: { kind: "profile", profile: { personality_traits: ["calm"] } },
    });
    expect(
      readProfileAnswer('{"profile": null, "no_profile": "the listing states no trait"}'),
    ).toEqual({ ok: true, value: { kind: "no_profile", reason: "the listing states no trait" } });
  });

  it("reads the bare forms a provider ignoring response_format may send", () => {
    expect(readProfileAnswer(JSON.stringify(profile))).toMatchObject({
      ok: true,
      value: { kind: "profile" },
    });
    expect(readProfileAnswer('```json\n{"no_profile": "no traits"}\n```')).toEqual({
      ok: true,
      value: { kind: "no_profile", reason: "no traits" },
    });
  });

  it("refuses an answer with both members, neither, or a broken profile, with a reason to re-ask with", () => {
    expect(readProfileAnswer(JSON.stringify({ profile, no_profile: "none" }))).toEqual({
      ok: false,
      reasons: ["the answer has both a profile and no_profile: give one, the other null"],
    });
    expect(readProfileAnswer('{"profile": null, "no_profile": null}')).toEqual({
      ok: false,
      reasons: ["the answer has neither a profile nor a no_profile reason"],
    });
    const noTraits = readProfileAnswer(
      JSON.stringify({ profile: { ...profile, personality_traits: [] }, no_profile: null }),
    );
    expect(noTraits.ok).toBe(false);
    expect(!noTraits.ok && noTraits.reasons.join(" ")).toContain("profile.personality_traits");
    expect(readProfileAnswer('{"no_profile": ""}').ok).toBe(false);
  });
});
