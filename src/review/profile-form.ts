// The profile editor's form fields ⇄ a profile object. Lists are one claim per line,
// "claim | quote from the listing", so staff edit evidence the way they read it.
import {
  COMPATIBILITY_FIELDS,
  COMPATIBILITY_VALUES,
  type Compatibility,
  type DogProfile,
  type Evidence,
} from "../enrichment/dog-profile-schema.js";

export interface ProfileFormFields {
  readonly tagline: string;
  readonly bio: string;
  readonly looking_for: string;
  readonly personality_traits: string;
  readonly interests: string;
  readonly fun_fact: string;
  readonly fun_fact_quote: string;
  readonly good_with_dogs: string;
  readonly good_with_dogs_quote: string;
  readonly good_with_cats: string;
  readonly good_with_cats_quote: string;
  readonly good_with_children: string;
  readonly good_with_children_quote: string;
}

export const PROFILE_FORM_FIELDS: readonly (keyof ProfileFormFields)[] = [
  "tagline",
  "bio",
  "looking_for",
  "personality_traits",
  "interests",
  "fun_fact",
  "fun_fact_quote",
  "good_with_dogs",
  "good_with_dogs_quote",
  "good_with_cats",
  "good_with_cats_quote",
  "good_with_children",
  "good_with_children_quote",
];

const SEPARATOR = " | ";

function quoteFor(profile: DogProfile, field: Evidence["field"], claim: string): string {
  return (
    profile.evidence.find((e) => e.field === field && e.claim === claim)?.quote ??
    profile.evidence.find((e) => e.field === field)?.quote ??
    ""
  );
}

/** A profile as the form shows it (an empty form when there is none). */
export function profileToForm(value: unknown): ProfileFormFields {
  const profile = value as DogProfile | undefined;
  if (!profile || typeof profile !== "object" || !Array.isArray(profile.evidence)) {
    return Object.fromEntries(
      PROFILE_FORM_FIELDS.map((f) => [
        f,
        f.startsWith("good_with_") && !f.endsWith("_quote") ? "unknown" : "",
      ]),
    ) as unknown as ProfileFormFields;
  }
  const lines = (field: "personality_traits" | "interests") =>
    (profile[field] ?? [])
      .map((claim) => {
        const quote = quoteFor(profile, field, claim);
        return quote === "" ? claim : `${claim}${SEPARATOR}${quote}`;
      })
      .join("\n");
  const compat = (field: (typeof COMPATIBILITY_FIELDS)[number]) => ({
    value: profile[field] ?? "unknown",
    quote: profile.evidence.find((e) => e.field === field)?.quote ?? "",
  });
  return {
    tagline: profile.tagline ?? "",
    bio: profile.bio ?? "",
    looking_for: profile.looking_for ?? "",
    personality_traits: lines("personality_traits"),
    interests: lines("interests"),
    fun_fact: profile.fun_fact ?? "",
    fun_fact_quote:
      profile.fun_fact === null ? "" : quoteFor(profile, "fun_fact", profile.fun_fact),
    good_with_dogs: compat("good_with_dogs").value,
    good_with_dogs_quote: compat("good_with_dogs").quote,
    good_with_cats: compat("good_with_cats").value,
    good_with_cats_quote: compat("good_with_cats").quote,
    good_with_children: compat("good_with_children").value,
    good_with_children_quote: compat("good_with_children").quote,
  };
}

function claimLines(text: string): { claim: string; quote: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const at = line.indexOf("|");
      return at < 0
        ? { claim: line, quote: "" }
        : { claim: line.slice(0, at).trim(), quote: line.slice(at + 1).trim() };
    });
}

/**
 * The profile the form describes; the schema and the guards judge it afterwards (a claim
 * without a quote is kept, so the guard can say it has no evidence).
 */
export function profileFromForm(
  fields: Partial<Record<keyof ProfileFormFields, string | undefined>>,
): unknown {
  const text = (name: keyof ProfileFormFields) =>
    (fields[name] ?? "").replace(/\r\n?/g, "\n").trim();
  const evidence: Evidence[] = [];
  const list = (field: "personality_traits" | "interests") =>
    claimLines(text(field)).map(({ claim, quote }) => {
      if (quote !== "") evidence.push({ field, claim, quote });
      return claim;
    });
  const traits = list("personality_traits");
  const interests = list("interests");
  const funFact = text("fun_fact");
  if (funFact !== "" && text("fun_fact_quote") !== "") {
    evidence.push({ field: "fun_fact", claim: funFact, quote: text("fun_fact_quote") });
  }
  const compat: Partial<Record<(typeof COMPATIBILITY_FIELDS)[number], Compatibility>> = {};
  for (const field of COMPATIBILITY_FIELDS) {
    const raw = text(field);
    const value = (COMPATIBILITY_VALUES as readonly string[]).includes(raw)
      ? (raw as Compatibility)
      : "unknown";
    compat[field] = value;
    const quote = text(`${field}_quote`);
    if (value !== "unknown" && quote !== "") evidence.push({ field, claim: value, quote });
  }
  return {
    tagline: text("tagline"),
    bio: text("bio"),
    looking_for: text("looking_for"),
    personality_traits: traits,
    interests,
    fun_fact: funFact === "" ? null : funFact,
    ...compat,
    evidence,
  };
}
