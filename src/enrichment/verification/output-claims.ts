// What the verification pass asks about: an output cut into claims a judge can check one by
// one. A text (cleaned description, translation) is its sentences; a profile is its text
// fields' sentences and each trait, interest, fun fact and known compatibility with the quote
// offered for it — the quote is what a claim stands on, so the judge sees it too.
import type { DogProfile } from "../dog-profile-schema.js";
import { COMPATIBILITY_FIELDS } from "../dog-profile-schema.js";
import { splitSentences } from "../facts/sentences.js";

export interface OutputClaim {
  /** Where the claim sits in the output ("bio", "personality_traits", "sentence"…). */
  readonly field: string;
  readonly text: string;
}

/** The sentences of a text output. */
export function textClaims(text: string, language: string): OutputClaim[] {
  return splitSentences(text, language).map((s) => ({ field: "sentence", text: s.text }));
}

export function profileClaims(profile: DogProfile, language: string): OutputClaim[] {
  const quoteOf = (field: string, claim: string): string => {
    const evidence = profile.evidence.find(
      (e) => e.field === field && e.claim.toLowerCase() === claim.toLowerCase(),
    );
    return evidence ? ` (quote: "${evidence.quote}")` : "";
  };
  const sentences = (field: "tagline" | "bio" | "looking_for") =>
    splitSentences(profile[field], language).map((s) => ({ field, text: s.text }));
  const listed = (field: "personality_traits" | "interests", values: readonly string[]) =>
    values.map((value) => ({ field, text: `${value}${quoteOf(field, value)}` }));
  return [
    ...sentences("tagline"),
    ...sentences("bio"),
    ...sentences("looking_for"),
    ...listed("personality_traits", profile.personality_traits),
    ...listed("interests", profile.interests),
    ...(profile.fun_fact === null
      ? []
      : [
          {
            field: "fun_fact",
            text: `${profile.fun_fact}${quoteOf("fun_fact", profile.fun_fact)}`,
          },
        ]),
    ...COMPATIBILITY_FIELDS.filter((field) => profile[field] !== "unknown").map((field) => ({
      field,
      text: `${profile[field]}${quoteOf(field, profile[field])}`,
    })),
  ];
}
