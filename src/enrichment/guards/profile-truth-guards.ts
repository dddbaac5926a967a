// A profile's meaning against its listing (issue 14): a compatibility value agrees with the
// sentence its quote comes from and with the listing; a trait's quote is about that trait; the
// free text (tagline, bio, looking_for, fun fact) states no critical fact the listing lacks.
import {
  COMPATIBILITY_FIELDS,
  type CompatibilityField,
  type DogProfile,
  type EvidenceField,
} from "../dog-profile-schema.js";
import { closure, compareFacts } from "../facts/compare-facts.js";
import type { CompatibilityKind, Fact } from "../facts/fact-kinds.js";
import { FACT_LANGUAGES, sourceLexiconLanguages, TRAIT_SYNONYMS } from "../facts/lexicon.js";
import { structuredFactKeys, type StructuredFactsInput } from "../facts/listing-facts.js";
import { negatedAt, readFacts } from "../facts/read-facts.js";
import { splitSentences, type Sentence } from "../facts/sentences.js";
import { normalizeForMatch } from "./normalized-match.js";

export interface ProfileTruthInput {
  readonly profile: DogProfile;
  /** The prepared listing narrative. */
  readonly listingText: string;
  readonly sourceLanguage: string | undefined;
  readonly structured: StructuredFactsInput;
  /** Language the profile is written in. */
  readonly profileLanguage: string;
}

const KIND_OF_FIELD: Readonly<Record<CompatibilityField, CompatibilityKind>> = {
  good_with_children: "children",
  good_with_cats: "cats",
  good_with_dogs: "dogs",
};

export function profileTruthReasons(input: ProfileTruthInput): {
  reasons: string[];
  flags: string[];
} {
  const languages = sourceLexiconLanguages(input.sourceLanguage);
  const language = languages[0] ?? "en";
  const listingFacts = readFacts(input.listingText, languages);
  const sentences = splitSentences(input.listingText, language);
  const reasons = [
    ...compatibilityReasons(input.profile, listingFacts, sentences, languages),
    ...claimQuoteReasons(input.profile, sentences, language),
  ];
  const textLanguages =
    input.profileLanguage === (input.sourceLanguage ?? "en")
      ? languages
      : FACT_LANGUAGES.includes(input.profileLanguage)
        ? [input.profileLanguage]
        : [];
  if (textLanguages.length === 0) {
    return { reasons, flags: [`critical_facts_unchecked:${input.profileLanguage}`] };
  }
  const structured = structuredFactKeys(input.structured);
  for (const [field, text] of freeTextFields(input.profile)) {
    const problems = compareFacts({
      source: listingFacts,
      sourceExtraKeys: structured,
      output: readFacts(text, textLanguages),
      mustKeepAll: false,
      outputName: `the profile's ${field}`,
    });
    reasons.push(...problems.map((p) => p.reason));
  }
  return { reasons, flags: [] };
}

function freeTextFields(profile: DogProfile): Array<[string, string]> {
  return [
    ["tagline", profile.tagline],
    ["bio", profile.bio],
    ["looking_for", profile.looking_for],
    ...(profile.fun_fact === null ? [] : [["fun_fact", profile.fun_fact] as [string, string]]),
  ];
}

/** The listing's sentences a quote comes from (a long quote may span several). */
function sentencesOfQuote(quote: string, sentences: readonly Sentence[]): Sentence[] {
  const wanted = normalizeForMatch(quote);
  if (wanted === "") return [];
  const within = sentences.filter((s) => normalizeForMatch(s.text).includes(wanted));
  if (within.length > 0) return within;
  return sentences.filter((s) => {
    const n = normalizeForMatch(s.text);
    return n.length > 0 && wanted.includes(n);
  });
}

function compatibilityReasons(
  profile: DogProfile,
  listingFacts: readonly Fact[],
  sentences: readonly Sentence[],
  languages: readonly string[],
): string[] {
  const reasons: string[] = [];
  for (const field of COMPATIBILITY_FIELDS) {
    const value = profile[field];
    if (value === "unknown") continue;
    const kind = KIND_OF_FIELD[field];
    // "Must be the only pet" also says "no other dogs": implications count.
    const listingValues = new Set(
      [...closure(listingFacts.map((f) => f.key))]
        .filter((key) => key.startsWith(`${kind}:`))
        .map((key) => key.slice(kind.length + 1)),
    );
    if (!supports(listingValues, value)) {
      reasons.push(
        listingValues.size === 0
          ? `${field} is "${value}" but the listing says nothing about ${kind}; use unknown`
          : `${field} is "${value}" but the listing says ${[...listingValues].map((v) => `"${v}"`).join(" and ")} about ${kind}`,
      );
      continue;
    }
    const quotes = profile.evidence.filter((e) => e.field === field).map((e) => e.quote);
    const backed = quotes.some((quote) => {
      // Only the facts the quoted words themselves carry: a sentence may say "good with dogs
      // on walks, but not living with other dogs", and a quote from its second half backs no yes.
      const keys = closure(
        sentencesOfQuote(quote, sentences).flatMap((s) =>
          readFacts(s.text, languages)
            .filter((f) => overlapsQuote(s.text, quote, f.span))
            .map((f) => f.key),
        ),
      );
      const values = new Set(
        [...keys].filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1)),
      );
      return supports(values, value);
    });
    if (quotes.length > 0 && !backed) {
      reasons.push(
        `${field} is "${value}" but its quote does not state that (or sits inside a negation): "${quotes[0]}"`,
      );
    }
  }
  return reasons;
}

/**
 * Whether a fact's span in `sentence` overlaps where `quote` stands in it; true when the quote
 * cannot be placed exactly (it was found by a normalised match), so nothing is lost.
 */
function overlapsQuote(
  sentence: string,
  quote: string,
  span: { readonly start: number; readonly end: number },
): boolean {
  const at = sentence.toLowerCase().indexOf(quote.trim().toLowerCase());
  if (at < 0) return true;
  return span.start < at + quote.trim().length && at < span.end;
}

/** Whether facts with these values back a compatibility value. */
function supports(values: ReadonlySet<string>, value: string): boolean {
  if (value === "selective") return values.size > 0;
  return values.has(value) || (value === "no" && values.has("selective"));
}

const STOPWORDS = new Set([
  "with",
  "from",
  "that",
  "this",
  "they",
  "them",
  "their",
  "very",
  "being",
  "time",
  "around",
  "other",
  "about",
  "mit",
  "und",
  "sehr",
  "einem",
  "einer",
  "eine",
  "der",
  "die",
  "das",
  "den",
  "con",
  "para",
  "avec",
  "pour",
  "dans",
  "des",
  "les",
  "una",
  "uno",
]);

function contentWords(text: string): string[] {
  return (normalizeForMatch(text).match(/[\p{L}-]+/gu) ?? []).filter(
    (w) => w.length >= 3 && !STOPWORDS.has(w),
  );
}

/** The first letters a word's forms share: "playful" and "play", "walks" and "walk". */
function stem(word: string): string {
  return word.length <= 5 ? word.slice(0, Math.max(3, word.length - 1)) : word.slice(0, 5);
}

/** Where in `context` a word naming the claim stands (its stem or a synonym), or undefined. */
function claimWordAt(claim: string, context: string): { start: number; end: number } | undefined {
  const lowered = context.toLowerCase();
  const claimWords = contentWords(claim);
  const candidates = new Set(claimWords.map(stem));
  const normalizedClaim = normalizeForMatch(claim);
  for (const group of TRAIT_SYNONYMS) {
    const names = group.some(
      (w) => normalizedClaim.includes(w) || claimWords.some((c) => stem(c) === stem(w)),
    );
    if (names) for (const w of group) candidates.add(w.length > 5 ? stem(w) : w);
  }
  for (const candidate of candidates) {
    const at = findWordStart(lowered, candidate);
    if (at >= 0) return { start: at, end: at + candidate.length };
  }
  return undefined;
}

/** Index of `prefix` at the start of a word in `text`, or -1. */
function findWordStart(text: string, prefix: string): number {
  let at = text.indexOf(prefix);
  while (at >= 0) {
    if (at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1]!)) return at;
    at = text.indexOf(prefix, at + 1);
  }
  return -1;
}

/** Traits and interests: each quote's sentence names the claim, outside a negation. */
function claimQuoteReasons(
  profile: DogProfile,
  sentences: readonly Sentence[],
  language: string,
): string[] {
  const reasons: string[] = [];
  const claims: Array<[EvidenceField, string]> = [
    ...profile.personality_traits.map((t): [EvidenceField, string] => ["personality_traits", t]),
    ...profile.interests.map((i): [EvidenceField, string] => ["interests", i]),
  ];
  for (const [field, claim] of claims) {
    const wanted = normalizeForMatch(claim);
    const entries = profile.evidence.filter((e) => {
      if (e.field !== field) return false;
      const got = normalizeForMatch(e.claim);
      return got === wanted || got.includes(wanted) || wanted.includes(got);
    });
    if (entries.length === 0) continue; // profileGuards reports the missing quote
    let negated = false;
    const named = entries.some((e) => {
      // The quote's own sentences, so that a negation around the quote counts too.
      const around = sentencesOfQuote(e.quote, sentences).map((s) => s.text);
      const contexts = around.length > 0 ? around : [e.quote];
      return contexts.some((context) => {
        const at = claimWordAt(claim, context);
        if (!at) return false;
        if (negatedAt(context, at.start, at.end, language)) {
          negated = true;
          return false;
        }
        return true;
      });
    });
    if (!named) {
      reasons.push(
        negated
          ? `${field} "${claim}": its quote negates it: "${entries[0]!.quote}"`
          : `${field} "${claim}": its quote says nothing about it: "${entries[0]!.quote}"`,
      );
    }
  }
  return reasons;
}
