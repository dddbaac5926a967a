// A profile claims nothing the listing does not say: every claim quotes the listing.
import {
  COMPATIBILITY_FIELDS,
  dogProfileSchema,
  type DogProfile,
  type EvidenceField,
} from "../dog-profile-schema.js";
import { bannedPhraseReasons, DEFAULT_BANNED_PHRASES } from "./banned-phrases.js";
import { contactOrInstructionReasons } from "./injection-guard.js";
import { normalizeForMatch, quoteFoundIn } from "./normalized-match.js";

export interface ProfileGuardInput {
  readonly profile: DogProfile;
  /** Everything the model was shown as data: the facts and the prepared listing text. */
  readonly source: string;
  /** Language of the profile text (for counting bio sentences). */
  readonly language?: string;
  /** The organization's banned phrases, checked on top of DEFAULT_BANNED_PHRASES. */
  readonly bannedPhrases?: readonly string[];
}

export const BIO_SENTENCES = { min: 2, max: 3 } as const;

/**
 * A compatibility value other than `unknown` with no evidence at all becomes `unknown`, with a
 * flag; evidence that is present but not in the listing is left for profileGuards to reject.
 */
export function enforceCompatibilityEvidence(profile: DogProfile): {
  profile: DogProfile;
  flags: string[];
} {
  const flags: string[] = [];
  const next: DogProfile = { ...profile };
  for (const field of COMPATIBILITY_FIELDS) {
    if (next[field] !== "unknown" && !profile.evidence.some((e) => e.field === field)) {
      flags.push(`${field}_forced_unknown`);
      next[field] = "unknown";
    }
  }
  return { profile: next, flags };
}

export function profileGuards(input: ProfileGuardInput): string[] {
  const { profile, source } = input;
  const parsed = dogProfileSchema.safeParse(profile);
  if (!parsed.success) {
    return parsed.error.issues.map(
      (issue) => `schema: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  const reasons: string[] = [];

  for (const evidence of profile.evidence) {
    if (!quoteFoundIn(evidence.quote, source)) {
      reasons.push(
        `evidence for ${evidence.field} "${evidence.claim}" is not in the listing: "${evidence.quote}"`,
      );
    }
  }
  const claims: Array<[EvidenceField, string]> = [
    ...profile.personality_traits.map((t): [EvidenceField, string] => ["personality_traits", t]),
    ...profile.interests.map((i): [EvidenceField, string] => ["interests", i]),
    ...(profile.fun_fact === null
      ? []
      : [["fun_fact", profile.fun_fact] as [EvidenceField, string]]),
  ];
  for (const [field, claim] of claims) {
    if (!hasEvidence(profile, field, claim))
      reasons.push(`${field} "${claim}" has no evidence quote`);
  }
  for (const field of COMPATIBILITY_FIELDS) {
    if (profile[field] !== "unknown" && !profile.evidence.some((e) => e.field === field)) {
      reasons.push(`${field} is "${profile[field]}" without evidence`);
    }
  }

  const sentences = countSentences(profile.bio, input.language ?? "en");
  if (sentences < BIO_SENTENCES.min || sentences > BIO_SENTENCES.max) {
    reasons.push(
      `bio has ${sentences} sentence(s); it must have ${BIO_SENTENCES.min} to ${BIO_SENTENCES.max}`,
    );
  }

  const phrases = [...DEFAULT_BANNED_PHRASES, ...(input.bannedPhrases ?? [])];
  for (const [field, text] of textFields(profile)) {
    reasons.push(...bannedPhraseReasons(field, text, phrases));
    reasons.push(...contactOrInstructionReasons(field, text));
  }
  return reasons;
}

function hasEvidence(profile: DogProfile, field: EvidenceField, claim: string): boolean {
  const wanted = normalizeForMatch(claim);
  const entries = profile.evidence.filter((e) => e.field === field);
  // A single claim of its kind needs no exact label match (e.g. the fun fact restated).
  if (field === "fun_fact") return entries.length > 0;
  return entries.some((e) => {
    const got = normalizeForMatch(e.claim);
    return got === wanted || got.includes(wanted) || wanted.includes(got);
  });
}

function textFields(profile: DogProfile): Array<[string, string]> {
  return [
    ["tagline", profile.tagline],
    ["bio", profile.bio],
    ["looking_for", profile.looking_for],
    ...profile.personality_traits.map((t): [string, string] => ["personality_traits", t]),
    ...profile.interests.map((i): [string, string] => ["interests", i]),
    ...(profile.fun_fact === null ? [] : [["fun_fact", profile.fun_fact] as [string, string]]),
  ];
}

export function countSentences(text: string, language: string): number {
  let segmenter: Intl.Segmenter;
  try {
    segmenter = new Intl.Segmenter(language, { granularity: "sentence" });
  } catch {
    segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  }
  return [...segmenter.segment(text)].filter((s) => /\p{L}/u.test(s.segment)).length;
}
