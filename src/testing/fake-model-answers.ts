// Deterministic answers a well-behaved model would give to rescue-llm's prompts, so the fake
// OpenRouter server can run the whole product without a key. It reads the contract the
// prompts define: the prompt id on the system prompt's first line, the <facts> and <listing>
// blocks, and the "Output language" / "Target language code" / "Keep these names" lines.
// Re-asks carry the same system prompt and first user message, so they get the same answer.
//
// Prompt variants (experiments) get answers that differ the way real ones might, so a report
// has something to find: a model whose id contains "careless" invents an unquoted trait in
// 40% of profiles (chosen by a hash of the listing) and fixes half of those when re-asked;
// instructions that ask for a "warm" tone add a third sentence to the bio (more tokens).
import {
  FACTS_CLOSE,
  FACTS_OPEN,
  LISTING_CLOSE,
  LISTING_OPEN,
  extractBlock,
} from "../enrichment/input/listing-block.js";
import { BANNED_PHRASES_LINE_PREFIX } from "../enrichment/organization-overrides.js";
import { NO_PROFILE_EXAMPLE } from "../enrichment/prompts/dog-profiler-prompt.js";
import { OUTPUT_LANGUAGE_LINE_PREFIX } from "../enrichment/prompts/language-names.js";
import { readPromptId } from "../enrichment/prompts/prompt-id.js";
import {
  PRESERVE_LINE_PREFIX,
  TARGET_LANGUAGE_LINE_PREFIX,
  TARGET_LANGUAGES_LINE_PREFIX,
} from "../enrichment/prompts/translation-prompt.js";
import {
  bannedPhraseReasons,
  DEFAULT_BANNED_PHRASES,
} from "../enrichment/guards/banned-phrases.js";
import { contactOrInstructionReasons } from "../enrichment/guards/injection-guard.js";
import { lexiconFor, sourceLexiconLanguages } from "../enrichment/facts/lexicon.js";
import { readFacts } from "../enrichment/facts/read-facts.js";
import { detectLanguage } from "../enrichment/input/detect-language.js";
import { judgeClaimsLikeAModel } from "./fake-claim-check.js";

export interface FakeCompletionRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly temperature?: number;
  readonly response_format?: unknown;
}

/** What the fake reads from a request: the task, the listing and the prompt's lines. */
export interface FakeRequestParts {
  readonly task: string | undefined;
  readonly listing: string;
  readonly facts: Readonly<Record<string, string>>;
  /** The dog's name as a person would write it. */
  readonly name: string | undefined;
  readonly outputLanguage: string | undefined;
  readonly targetLanguage: string;
  /** A translation into several languages at once (answered as JSON by code); else empty. */
  readonly targetLanguages: readonly string[];
  readonly preserve: readonly string[];
  readonly bannedPhrases: readonly string[];
}

export function readFakeRequest(request: FakeCompletionRequest): FakeRequestParts {
  const system = request.messages.find((m) => m.role === "system")?.content ?? "";
  const user = request.messages.find((m) => m.role === "user")?.content ?? "";
  const facts = parseFacts(extractBlock(user, FACTS_OPEN, FACTS_CLOSE) ?? "");
  return {
    task: readPromptId(system)?.split("@")[0],
    listing: extractBlock(user, LISTING_OPEN, LISTING_CLOSE) ?? "",
    facts,
    name: displayName(facts.name),
    outputLanguage: languageCode(lineValue(system, OUTPUT_LANGUAGE_LINE_PREFIX)),
    targetLanguage: languageCode(lineValue(system, TARGET_LANGUAGE_LINE_PREFIX)) ?? "en",
    targetLanguages: (lineValue(system, TARGET_LANGUAGES_LINE_PREFIX) ?? "")
      .split(",")
      .flatMap((entry) => languageCode(entry.trim()) ?? []),
    preserve: (lineValue(system, PRESERVE_LINE_PREFIX) ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean),
    bannedPhrases: bannedPhrases(system),
  };
}

/** The content a well-behaved model would answer for this request. */
export function answerLikeAModel(request: FakeCompletionRequest): string {
  const parts = readFakeRequest(request);
  switch (parts.task) {
    case "description_cleaning":
      return tidyListing(parts.listing, parts.name, parts.bannedPhrases);
    case "dog_profiler":
      // A listing that states no trait gets no profile: the answer the prompt allows for it.
      if (!fakeProfileIsGrounded(parts.listing)) {
        return JSON.stringify({ profile: null, no_profile: NO_PROFILE_EXAMPLE });
      }
      return JSON.stringify({
        profile: withVariantQuirks(
          profileOf(parts.listing, parts.facts, parts.outputLanguage ?? "en"),
          {
            careless: /careless/i.test(request.model),
            warm: /\bwarm/i.test(request.messages.find((m) => m.role === "system")?.content ?? ""),
            reasked: request.messages.some((m) => m.role === "assistant"),
            listingHash: fnv1a(parts.listing),
            name: parts.name,
          },
        ),
        no_profile: null,
      });
    case "translation":
      if (parts.targetLanguages.length > 0) {
        return JSON.stringify(
          Object.fromEntries(
            parts.targetLanguages.map((code) => [
              code,
              translationOf(parts.listing, code, parts.preserve),
            ]),
          ),
        );
      }
      return translationOf(parts.listing, parts.targetLanguage, parts.preserve);
    case "claim_check":
      return judgeClaimsLikeAModel(request.messages.find((m) => m.role === "user")?.content ?? "");
    default:
      return request.messages[request.messages.length - 1]?.content ?? "";
  }
}

interface VariantQuirks {
  readonly careless: boolean;
  readonly warm: boolean;
  readonly reasked: boolean;
  readonly listingHash: number;
  readonly name: string | undefined;
}

function withVariantQuirks(
  profile: Record<string, unknown>,
  quirks: VariantQuirks,
): Record<string, unknown> {
  let out = profile;
  if (quirks.warm && typeof out.bio === "string") {
    const who = quirks.name ?? "This dog";
    out = { ...out, bio: `${out.bio} ${who} is ready to meet the people who will share a home.` };
  }
  const bucket = quirks.listingHash % 100;
  const invents = quirks.careless && bucket < 40 && !(quirks.reasked && bucket < 20);
  if (invents && Array.isArray(out.personality_traits) && Array.isArray(out.evidence)) {
    const traits = [...(out.personality_traits as string[]).slice(0, 4), "fearless"];
    out = {
      ...out,
      personality_traits: traits,
      evidence: [
        ...(out.evidence as unknown[]),
        { field: "personality_traits", claim: "fearless", quote: "afraid of nothing at all" },
      ],
    };
  }
  return out;
}

/** 32-bit FNV-1a of a text: a stable choice per listing. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The listing as the fake would translate it (also a cleaning answered in the wrong language). */
export function fakeTranslation(text: string, target: string, names: readonly string[]): string {
  return translationOf(text, target, names);
}

function lineValue(text: string, prefix: string): string | undefined {
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line?.slice(prefix.length).trim();
}

/** "de. Write the profile in German (de)." → "de" */
function languageCode(value: string | undefined): string | undefined {
  return /^[a-z]{2,3}\b/.exec(value ?? "")?.[0];
}

function parseFacts(block: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const line of block.split("\n")) {
    const at = line.indexOf(": ");
    if (at > 0) facts[line.slice(0, at)] = line.slice(at + 2);
  }
  return facts;
}

function bannedPhrases(system: string): string[] {
  const line = system.split("\n").find((l) => l.startsWith(BANNED_PHRASES_LINE_PREFIX));
  if (!line) return [];
  return line
    .slice(BANNED_PHRASES_LINE_PREFIX.length)
    .split(";")
    .map((p) => {
      try {
        return String(JSON.parse(p.trim()));
      } catch {
        return p.trim();
      }
    })
    .filter(Boolean);
}

/** "130815 GINA" → "Gina": the name as a person would write it. */
function displayName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const words = name.match(/[\p{L}'-]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return words
    .map((w) => (w === w.toUpperCase() ? w.charAt(0) + w.slice(1).toLowerCase() : w))
    .join(" ");
}

// ---------------------------------------------------------------- description cleaning

function tidyListing(text: string, name: string | undefined, banned: readonly string[]): string {
  let out = text
    .split("\n")
    .map((line) => (isShouting(line) ? sentenceCase(line, name) : line))
    .join("\n")
    .replace(/ {2,}/g, " ")
    .replace(/ +([,!?;])/g, "$1")
    .replace(/([!?])\1+/g, "$1");
  for (const phrase of banned) {
    out = out
      .replace(new RegExp(phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), "")
      .replace(/ {2,}/g, " ");
  }
  return out.trim();
}

function isShouting(line: string): boolean {
  const letters = line.match(/\p{L}/gu) ?? [];
  const upper = line.match(/\p{Lu}/gu) ?? [];
  return letters.length >= 8 && upper.length / letters.length >= 0.8;
}

function sentenceCase(line: string, name: string | undefined): string {
  let out = line
    .toLowerCase()
    .replace(/(^|[.!?]\s+)(\p{L})/gu, (_m, lead: string, c: string) => lead + c.toUpperCase());
  out = out.replace(/\bi\b/g, "I");
  for (const word of name?.split(" ") ?? []) {
    if (word.length > 1) out = out.replace(new RegExp(`\\b${word.toLowerCase()}\\b`, "gu"), word);
  }
  return out;
}

// ---------------------------------------------------------------- dog profiler

interface Cue {
  readonly pattern: RegExp;
  readonly en: string;
  readonly de: string;
}

const TRAIT_CUES: readonly Cue[] = [
  { pattern: /\bfriendly\b|\bfreundlich\p{L}*/iu, en: "friendly", de: "freundlich" },
  { pattern: /\bplayful\b|\bverspielt\p{L}*/iu, en: "playful", de: "verspielt" },
  { pattern: /\bcalm\b|\bruhig\p{L}*/iu, en: "calm", de: "ruhig" },
  { pattern: /\bloyal\b|\btreu\p{L}*/iu, en: "loyal", de: "treu" },
  { pattern: /\bgentle\b|\bsanft\p{L}*/iu, en: "gentle", de: "sanft" },
  {
    pattern: /\b(?:shy|timid|nervous)\b|\bschüchtern\p{L}*|\bunsicher\p{L}*|\bängstlich\p{L}*/iu,
    en: "shy",
    de: "zurückhaltend",
  },
  {
    pattern: /\b(?:affectionate|cuddly|loving)\b|\bverschmust\p{L}*|\banhänglich\p{L}*|\bmanja\b/iu,
    en: "affectionate",
    de: "verschmust",
  },
  {
    pattern: /\b(?:energetic|active|hyper)\b|\benergy\b|\baufgeweckt\p{L}*|\baktiv\p{L}*/iu,
    en: "energetic",
    de: "lebhaft",
  },
  { pattern: /\b(?:smart|clever|intelligent)\b|\bklug\p{L}*/iu, en: "smart", de: "klug" },
  { pattern: /\bsweet\b|\blieb\b|\bliebe\b/iu, en: "sweet", de: "lieb" },
  { pattern: /\bcurious\b|\bneugierig\p{L}*/iu, en: "curious", de: "neugierig" },
  { pattern: /\bhappy\b|\bfröhlich\p{L}*/iu, en: "happy", de: "fröhlich" },
  { pattern: /\bsensitive\b|\bsensib\p{L}*/iu, en: "sensitive", de: "sensibel" },
  {
    pattern: /\bmisstrauisch\p{L}*|\bwary\b/iu,
    en: "wary of strangers",
    de: "misstrauisch bei Fremden",
  },
  {
    pattern: /\bmenschenbezogen\p{L}*|\bpersonenbezogen\p{L}*|\bloves? people\b/iu,
    en: "people-oriented",
    de: "menschenbezogen",
  },
  {
    pattern: /\beigensinnig\p{L}*|\bstarken willen\b|\bstubborn\b/iu,
    en: "strong-willed",
    de: "eigensinnig",
  },
  { pattern: /\bsportlich\p{L}*|\bathletic\b/iu, en: "sporty", de: "sportlich" },
  { pattern: /\bzutraulich\p{L}*|\btrusting\b/iu, en: "trusting", de: "zutraulich" },
  { pattern: /\b(?:cute|adorable)\b|\bsüß\p{L}*/iu, en: "cute", de: "süß" },
  {
    pattern: /\bgood temperament\b|\bgood[- ]natured\b|\bwell[- ]behaved?\b|\bbrav\p{L}*/iu,
    en: "good-natured",
    de: "brav",
  },
  { pattern: /\b(?:tame|jinak)\b/iu, en: "tame", de: "zahm" },
  { pattern: /\bobedient\b|\bgehorsam\p{L}*/iu, en: "obedient", de: "gehorsam" },
  { pattern: /\bcheerful\b/iu, en: "cheerful", de: "fröhlich" },
  { pattern: /\bconfident\b|\bselbstbewusst\p{L}*/iu, en: "confident", de: "selbstbewusst" },
  { pattern: /\bcheeky\b|\bfrech\p{L}*/iu, en: "cheeky", de: "frech" },
  { pattern: /\bgoof(?:y|iest)\b/iu, en: "goofy", de: "albern" },
  {
    pattern: /\b(?:loves|eager) to learn\b|\blernwillig\p{L}*/iu,
    en: "eager to learn",
    de: "lernwillig",
  },
  { pattern: /\bverträglich\p{L}*|\beasy[- ]going\b/iu, en: "easy-going", de: "verträglich" },
  { pattern: /\blovely\b/iu, en: "lovely", de: "liebenswert" },
  { pattern: /\bprotective\b|\bguard dog\b|\bwachsam\p{L}*/iu, en: "protective", de: "wachsam" },
];

const INTEREST_CUES: readonly Cue[] = [
  {
    pattern: /\bwalks?\b|\bwalking\b|\bgassi\p{L}*|\bspazier\p{L}*/iu,
    en: "walks",
    de: "Spaziergänge",
  },
  { pattern: /\bplay(?:ing|s)?\b|\bspiel\p{L}*|\bbermain\b/iu, en: "playing", de: "Spielen" },
  {
    pattern: /\b(?:cuddl\p{L}*|hugged|snuggl\p{L}*|petted)\b|\bkuschel\p{L}*/iu,
    en: "cuddles",
    de: "Kuscheln",
  },
  {
    pattern: /\bsniff\p{L}*|\bschnüffel\p{L}*|\bnase\b/iu,
    en: "sniffing around",
    de: "Schnüffeln",
  },
  { pattern: /\b(?:toys?|balls?)\b|\bspielzeug\p{L}*/iu, en: "toys", de: "Spielzeug" },
  { pattern: /\b(?:run|running)\b|\brennen\b|\blaufen\b/iu, en: "running", de: "Laufen" },
  { pattern: /\bswim\p{L}*|\bschwimm\p{L}*/iu, en: "swimming", de: "Schwimmen" },
  { pattern: /\b(?:garden|yard)\b|\bgarten\b/iu, en: "time in the garden", de: "Zeit im Garten" },
  {
    pattern: /\b(?:people|humans)\b|\bmenschen\b/iu,
    en: "being with people",
    de: "Gesellschaft von Menschen",
  },
  { pattern: /\b(?:treats|food)\b|\bleckerli\p{L}*/iu, en: "treats", de: "Leckerlis" },
];

/** Negative and selective cues come first: "not good with cats" must not read as "good with cats". */
const COMPATIBILITY_CUES: Readonly<Record<string, readonly { pattern: RegExp; value: string }[]>> =
  {
    good_with_dogs: [
      {
        pattern: /\b(?:not good with|no) other dogs\b|\bonly dog\b|\bnicht mit artgenossen\b/i,
        value: "no",
      },
      {
        pattern:
          /\bmit rüden leider nicht\b|\bselective with (?:other )?dogs\b|\bsome (?:other )?dogs\b/i,
        value: "selective",
      },
      {
        pattern:
          /\b(?:good|great|fine) with (?:other )?dogs\b|\bgets along with (?:other )?dogs\b|\bmit artgenossen versteht sie sich sehr gut\b|\bmit rüden verträglich\b/i,
        value: "yes",
      },
    ],
    good_with_cats: [
      {
        pattern:
          /\b(?:no|not good with|not with) cats\b|\bchases cats\b|\bkatzen sollten deshalb nicht\b|\bkeine katzen\b/i,
        value: "no",
      },
      {
        pattern:
          /\b(?:good|great|fine) with cats\b|\blives with cats\b|\bcat[- ]friendly\b|\bkatzenverträglich\b/i,
        value: "yes",
      },
    ],
    good_with_children: [
      {
        pattern:
          /\bno (?:small )?(?:children|kids)\b|\bnot good with (?:children|kids)\b|\bohne kinder\b|\bkeine kinder\b|\bkinderlos\w*/i,
        value: "no",
      },
      { pattern: /\bolder (?:children|kids)\b/i, value: "selective" },
      {
        pattern:
          /\b(?:good|great) with (?:children|kids)\b|\bloves (?:children|kids)\b|\bkinderlieb\b|\bkinder aller altersklassen\b/i,
        value: "yes",
      },
    ],
  };

const GERMANIC = new Set(["de"]);

interface FakeEvidence {
  field: string;
  claim: string;
  quote: string;
}

function profileOf(
  listing: string,
  facts: Record<string, string>,
  language: string,
): Record<string, unknown> {
  const lang = GERMANIC.has(language) ? "de" : "en";
  const name = displayName(facts.name) ?? (lang === "de" ? "Dieser Hund" : "This dog");
  const source = listing;
  const evidence: FakeEvidence[] = [];
  const sentences = sentencesOf(source);

  // A careful model names only what the listing states: no padding to a count, and a cue the
  // listing negates ("not shy") is no trait.
  const pick = (cues: readonly Cue[], field: string, max: number): string[] => {
    const chosen: string[] = [];
    for (const cue of cues) {
      const match = cue.pattern.exec(source);
      if (!match || chosen.length >= max || negatedCue(source, match.index)) continue;
      if (chosen.includes(cue[lang])) continue;
      chosen.push(cue[lang]);
      evidence.push({ field, claim: cue[lang], quote: match[0] });
    }
    return chosen;
  };

  const traits = pick(TRAIT_CUES, "personality_traits", 5);
  const home = HOME_PHRASE.exec(source);
  if (traits.length === 0 && home) {
    // Every profile names one trait; with none stated, the plainest honest one is "looking for
    // a home", quoted from where the listing says so (fakeProfileIsGrounded: no profile else).
    const label = lang === "de" ? "sucht ein Zuhause" : "looking for a home";
    traits.push(label);
    evidence.push({ field: "personality_traits", claim: label, quote: home[0] });
  }
  const interests = pick(INTEREST_CUES, "interests", 4);

  const compatibility: Record<string, string> = {};
  for (const [field, cues] of Object.entries(COMPATIBILITY_CUES)) {
    compatibility[field] = "unknown";
    for (const cue of cues) {
      const match = cue.pattern.exec(source);
      if (!match) continue;
      // A "yes" inside a negation ("not overly cat friendly") is no yes.
      if (cue.value === "yes" && negatedCue(source, match.index)) continue;
      compatibility[field] = cue.value;
      evidence.push({ field, claim: cue.value, quote: match[0] });
      break;
    }
  }

  const funFact = sentences.find(
    (s) =>
      s.length >= 20 &&
      s.length <= 180 &&
      /\b(?:loves?|liebt|enjoys?|favou?rite)\b/i.test(s) &&
      contactOrInstructionReasons("fun_fact", s).length === 0 &&
      bannedPhraseReasons("fun_fact", s, DEFAULT_BANNED_PHRASES).length === 0,
  );
  if (funFact) evidence.push({ field: "fun_fact", claim: funFact, quote: funFact });

  const traitList = listWords(traits, lang);
  const interestList = listWords(interests, lang);
  const copy =
    lang === "de"
      ? {
          tagline: `${name}: ${traitList}`,
          bio:
            interests.length > 0
              ? `${name} ist laut Tierheim ${traitList}. ${name} mag besonders ${interestList}.`
              : `${name} ist laut Tierheim ${traitList}. Das Tierheim erzählt gerne mehr über ${name}.`,
          looking_for: `Menschen, die ${name} Zeit, Geduld und ein passendes Zuhause geben.`,
        }
      : {
          tagline: `${name}: ${traitList}`,
          bio:
            interests.length > 0
              ? `According to the shelter, ${name} is ${traitList}. ${name} especially enjoys ${interestList}.`
              : `According to the shelter, ${name} is ${traitList}. The shelter will gladly tell you more about ${name}.`,
          looking_for: `People who will give ${name} time, patience and a home that suits them.`,
        };
  return {
    tagline: copy.tagline.length <= 60 ? copy.tagline : name.slice(0, 60),
    bio: copy.bio,
    looking_for: copy.looking_for,
    personality_traits: traits,
    interests,
    fun_fact: funFact ?? null,
    good_with_dogs: compatibility.good_with_dogs,
    good_with_cats: compatibility.good_with_cats,
    good_with_children: compatibility.good_with_children,
    evidence,
  };
}

/**
 * Whether the listing states what a trait or interest label of the fake's own vocabulary says
 * (the cue it would have picked it from matches, outside a negation); undefined for a label
 * the fake never writes. The fake judge (fake-claim-check.ts) reads the fake's words this way.
 */
export function fakeCueSupports(label: string, listing: string): boolean | undefined {
  const wanted = label.trim().toLowerCase();
  const cues = [...TRAIT_CUES, ...INTEREST_CUES].filter(
    (cue) => cue.en === wanted || cue.de === wanted,
  );
  if (cues.length === 0) return undefined;
  return cues.some((cue) => {
    const match = cue.pattern.exec(listing);
    return match !== null && !negatedCue(listing, match.index);
  });
}

/** Every trait and interest label the fake writes, in both its languages. */
export const FAKE_CUE_LABELS: readonly string[] = [...TRAIT_CUES, ...INTEREST_CUES].flatMap(
  (cue) => [cue.en, cue.de],
);

const HOME_PHRASE =
  /\b(?:looking for|waiting for|needs?|deserves?|searching for)\b[^.!?\n]{0,40}?\b(?:home|family|owner|adopter)s?\b|\bsucht\b[^.!?\n]{0,40}?\b(?:zuhause|familie|menschen)\b/iu;

/**
 * Whether the fake can write an honest profile of this listing: one that names at least one
 * trait the listing states (or says it is looking for a home). For a listing without one it
 * answers {"profile": null, "no_profile": …}, as the prompt asks.
 */
export function fakeProfileIsGrounded(listing: string): boolean {
  return (
    TRAIT_CUES.some((cue) => {
      const match = cue.pattern.exec(listing);
      return match !== null && !negatedCue(listing, match.index);
    }) || HOME_PHRASE.test(listing)
  );
}

/** "a, b and c" */
function listWords(words: readonly string[], lang: "en" | "de"): string {
  const and = lang === "de" ? " und " : " and ";
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")}${and}${words[words.length - 1]!}`;
}

/**
 * A careful reader's negation check: a negation earlier in the cue's clause ("cant walk
 * properly", "not need to cuddle", "not dog-friendly"), or a German "nicht" later in it
 * ("Lange Spaziergänge kommen … nicht mehr in Frage").
 */
function negatedCue(text: string, at: number): boolean {
  const clauseStart = Math.max(
    0,
    ...[".", ",", ";", "!", "?", "\n", " but ", " aber "].map((p) => text.lastIndexOf(p, at) + 1),
  );
  const ends = [".", ",", ";", "!", "?", "\n"]
    .map((p) => text.indexOf(p, at))
    .filter((i) => i >= 0);
  const clauseEnd = ends.length > 0 ? Math.min(...ends) : text.length;
  const before = text.slice(clauseStart, at).toLowerCase();
  const after = text.slice(at, clauseEnd).toLowerCase();
  return (
    /(?:^|[^\p{L}])(?:not|no|never|cant|cannot|dont|doesnt|isnt|without|nicht|kein\p{L}*|nie|ohne)(?:[^\p{L}]|$)|n['’]t\b/u.test(
      before,
    ) || /(?:^|[^\p{L}])(?:nicht|nie)(?:[^\p{L}]|$)/u.test(after)
  );
}

function sentencesOf(text: string): string[] {
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  return [...segmenter.segment(text)]
    .map((s) => s.segment.trim())
    .filter((s) => /\p{L}{3}/u.test(s));
}

// ---------------------------------------------------------------- translation

interface TranslationTemplate {
  readonly intro: (names: string) => string;
  readonly numbers: (list: string) => string;
  readonly filler: readonly string[];
}

const TEMPLATES: Readonly<Record<string, TranslationTemplate>> = {
  en: {
    intro: (n) => `${n} is waiting at the shelter for a new family.`,
    numbers: (l) => `The listing gives these details: ${l}.`,
    filler: [
      "The team describes a dog who needs time, patience and people who stay.",
      "Walks, a quiet place to sleep and a little training would help a lot.",
      "Anyone who would like to meet this dog can contact the shelter and arrange a visit.",
      "The carers know the dog well and will gladly answer every question.",
    ],
  },
  de: {
    intro: (n) => `${n} wartet im Tierheim auf eine neue Familie.`,
    numbers: (l) => `Die Anzeige nennt diese Angaben: ${l}.`,
    filler: [
      "Das Team beschreibt einen Hund, der Zeit, Geduld und verlässliche Menschen braucht.",
      "Spaziergänge, ein eigener Schlafplatz und etwas Training würden ihm sehr helfen.",
      "Wer den Hund kennenlernen möchte, kann sich gerne beim Tierheim melden und einen Besuch vereinbaren.",
      "Die Pfleger kennen den Hund gut und beantworten gerne jede Frage.",
    ],
  },
  es: {
    intro: (n) => `${n} está esperando en el refugio a una nueva familia.`,
    numbers: (l) => `El anuncio da estos datos: ${l}.`,
    filler: [
      "El equipo describe a un perro que necesita tiempo, paciencia y personas que se queden con él.",
      "Los paseos, un buen lugar para dormir y un poco de adiestramiento le ayudarían mucho.",
      "Quien quiera conocer a este perro puede ponerse en contacto con el refugio y concertar una visita.",
      "Los cuidadores conocen bien al perro y responderán con gusto a todas las preguntas.",
    ],
  },
  fr: {
    intro: (n) => `${n} attend au refuge une nouvelle famille.`,
    numbers: (l) => `L'annonce donne ces précisions : ${l}.`,
    filler: [
      "L'équipe décrit un chien qui a besoin de temps, de patience et de personnes qui restent.",
      "Des promenades, un bon endroit pour dormir et un peu d'éducation l'aideraient beaucoup.",
      "Toute personne qui souhaite rencontrer ce chien peut contacter le refuge et prévoir une visite.",
      "Les soigneurs connaissent bien le chien et répondront avec plaisir à toutes les questions.",
    ],
  },
  it: {
    intro: (n) => `${n} sta aspettando al rifugio una nuova famiglia.`,
    numbers: (l) => `L'annuncio riporta questi dati: ${l}.`,
    filler: [
      "Lo staff descrive un cane che ha bisogno di tempo, pazienza e di persone che restino con lui.",
      "Le passeggiate, un posto tranquillo dove dormire e un po' di addestramento lo aiuterebbero molto.",
      "Chi desidera conoscere questo cane può contattare il rifugio e fissare una visita.",
      "I volontari conoscono bene il cane e risponderanno volentieri a ogni domanda.",
    ],
  },
  nl: {
    intro: (n) => `${n} wacht in het asiel op een nieuw gezin.`,
    numbers: (l) => `De advertentie noemt deze gegevens: ${l}.`,
    filler: [
      "Het team beschrijft een hond die tijd, geduld en mensen nodig heeft die blijven.",
      "Wandelingen, een rustige slaapplek en een beetje training zouden hem veel helpen.",
      "Wie deze hond wil leren kennen, kan contact opnemen met het asiel en een bezoek afspreken.",
      "De verzorgers kennen de hond goed en beantwoorden graag elke vraag.",
    ],
  },
  pt: {
    intro: (n) => `${n} está à espera de uma nova família no abrigo.`,
    numbers: (l) => `O anúncio indica estes dados: ${l}.`,
    filler: [
      "A equipa descreve um cão que precisa de tempo, paciência e de pessoas que fiquem com ele.",
      "Passeios, um lugar tranquilo para dormir e um pouco de treino ajudariam muito.",
      "Quem quiser conhecer este cão pode contactar o abrigo e marcar uma visita.",
      "Os tratadores conhecem bem o cão e respondem com gosto a todas as perguntas.",
    ],
  },
  pl: {
    intro: (n) => `${n} czeka w schronisku na nową rodzinę.`,
    numbers: (l) => `Ogłoszenie podaje te dane: ${l}.`,
    filler: [
      "Zespół opisuje psa, który potrzebuje czasu, cierpliwości i ludzi, którzy zostaną.",
      "Spacery, własne miejsce do spania i trochę szkolenia bardzo by mu pomogły.",
      "Kto chciałby poznać tego psa, może skontaktować się ze schroniskiem i umówić wizytę.",
      "Opiekunowie dobrze znają psa i chętnie odpowiedzą na każde pytanie.",
    ],
  },
  sv: {
    intro: (n) => `${n} väntar på härbärget på en ny familj.`,
    numbers: (l) => `Annonsen anger dessa uppgifter: ${l}.`,
    filler: [
      "Teamet beskriver en hund som behöver tid, tålamod och människor som stannar.",
      "Promenader, en egen sovplats och lite träning skulle hjälpa mycket.",
      "Den som vill träffa hunden kan kontakta härbärget och boka ett besök.",
      "Skötarna känner hunden väl och svarar gärna på alla frågor.",
    ],
  },
  da: {
    intro: (n) => `${n} venter på internatet på en ny familie.`,
    numbers: (l) => `Annoncen giver disse oplysninger: ${l}.`,
    filler: [
      "Holdet beskriver en hund, der har brug for tid, tålmodighed og mennesker, der bliver.",
      "Gåture, en fast soveplads og lidt træning ville hjælpe meget.",
      "Den, der gerne vil møde hunden, kan kontakte internatet og aftale et besøg.",
      "Plejerne kender hunden godt og svarer gerne på alle spørgsmål.",
    ],
  },
  fi: {
    intro: (n) => `${n} odottaa löytöeläinkodissa uutta perhettä.`,
    numbers: (l) => `Ilmoituksessa on nämä tiedot: ${l}.`,
    filler: [
      "Henkilökunta kuvailee koiraa, joka tarvitsee aikaa, kärsivällisyyttä ja ihmisiä, jotka pysyvät.",
      "Kävelylenkit, oma nukkumapaikka ja vähän koulutusta auttaisivat paljon.",
      "Joka haluaa tavata tämän koiran, voi ottaa yhteyttä löytöeläinkotiin ja sopia käynnistä.",
      "Hoitajat tuntevat koiran hyvin ja vastaavat mielellään kaikkiin kysymyksiin.",
    ],
  },
  cs: {
    intro: (n) => `${n} čeká v útulku na novou rodinu.`,
    numbers: (l) => `Inzerát uvádí tyto údaje: ${l}.`,
    filler: [
      "Tým popisuje psa, který potřebuje čas, trpělivost a lidi, kteří zůstanou.",
      "Procházky, vlastní místo na spaní a trochu výcviku by mu velmi pomohly.",
      "Kdo by chtěl tohoto psa poznat, může kontaktovat útulek a domluvit si návštěvu.",
      "Ošetřovatelé psa dobře znají a rádi odpoví na každou otázku.",
    ],
  },
  ro: {
    intro: (n) => `${n} așteaptă la adăpost o nouă familie.`,
    numbers: (l) => `Anunțul oferă aceste date: ${l}.`,
    filler: [
      "Echipa descrie un câine care are nevoie de timp, răbdare și oameni care rămân.",
      "Plimbările, un loc propriu de dormit și puțin dresaj l-ar ajuta foarte mult.",
      "Cine dorește să cunoască acest câine poate contacta adăpostul și poate programa o vizită.",
      "Îngrijitorii cunosc bine câinele și răspund cu plăcere la orice întrebare.",
    ],
  },
  hu: {
    intro: (n) => `${n} egy új családra vár a menhelyen.`,
    numbers: (l) => `A hirdetés ezeket az adatokat adja meg: ${l}.`,
    filler: [
      "A csapat egy olyan kutyát ír le, akinek időre, türelemre és maradandó emberekre van szüksége.",
      "A séták, egy saját alvóhely és egy kis tanítás sokat segítene neki.",
      "Aki szeretné megismerni ezt a kutyát, felveheti a kapcsolatot a menhellyel és időpontot egyeztethet.",
      "A gondozók jól ismerik a kutyát, és szívesen válaszolnak minden kérdésre.",
    ],
  },
  tr: {
    intro: (n) => `${n} barınakta yeni bir aile bekliyor.`,
    numbers: (l) => `İlan şu bilgileri veriyor: ${l}.`,
    filler: [
      "Ekip, zamana, sabra ve kalıcı insanlara ihtiyaç duyan bir köpeği anlatıyor.",
      "Yürüyüşler, kendine ait bir uyku yeri ve biraz eğitim ona çok yardımcı olur.",
      "Bu köpekle tanışmak isteyen herkes barınakla iletişime geçip bir ziyaret ayarlayabilir.",
      "Bakıcılar köpeği iyi tanıyor ve her soruyu memnuniyetle yanıtlıyor.",
    ],
  },
  ms: {
    intro: (n) => `${n} sedang menunggu keluarga baharu di pusat perlindungan.`,
    numbers: (l) => `Iklan ini memberikan butiran berikut: ${l}.`,
    filler: [
      "Pasukan menggambarkan seekor anjing yang memerlukan masa, kesabaran dan orang yang akan kekal bersamanya.",
      "Berjalan-jalan, tempat tidur sendiri dan sedikit latihan akan sangat membantunya.",
      "Sesiapa yang ingin berkenalan dengan anjing ini boleh menghubungi pusat perlindungan dan mengatur lawatan.",
      "Penjaga mengenali anjing ini dengan baik dan sedia menjawab setiap soalan.",
    ],
  },
  id: {
    intro: (n) => `${n} sedang menunggu keluarga baru di penampungan.`,
    numbers: (l) => `Iklan ini memberikan keterangan berikut: ${l}.`,
    filler: [
      "Tim menggambarkan seekor anjing yang membutuhkan waktu, kesabaran, dan orang-orang yang akan tetap bersamanya.",
      "Jalan-jalan, tempat tidur sendiri, dan sedikit pelatihan akan sangat membantunya.",
      "Siapa pun yang ingin berkenalan dengan anjing ini dapat menghubungi penampungan dan mengatur kunjungan.",
      "Para pengasuh mengenal anjing ini dengan baik dan dengan senang hati menjawab setiap pertanyaan.",
    ],
  },
  ja: {
    intro: (n) => `${n} は保護施設で新しい家族を待っています。`,
    numbers: (l) => `掲載情報には次の内容があります：${l}.`,
    filler: [
      "スタッフによると、この犬には時間と忍耐、そしてずっとそばにいてくれる人が必要です。",
      "散歩と自分の寝床、そして少しのトレーニングがとても役に立つでしょう。",
      "この犬に会いたい方は、保護施設に連絡して訪問の予約をしてください。",
      "世話をしているスタッフはこの犬のことをよく知っていて、どんな質問にも喜んで答えます。",
    ],
  },
  zh: {
    intro: (n) => `${n} 正在收容所等待一个新的家庭。`,
    numbers: (l) => `启事提供了以下信息：${l}.`,
    filler: [
      "工作人员介绍说，这只狗需要时间、耐心和愿意一直陪伴它的人。",
      "散步、一个属于自己的睡觉地方和一点训练会对它很有帮助。",
      "想认识这只狗的人可以联系收容所并预约参观。",
      "照顾它的工作人员很了解这只狗，乐意回答每一个问题。",
    ],
  },
  ko: {
    intro: (n) => `${n} 는 보호소에서 새 가족을 기다리고 있습니다.`,
    numbers: (l) => `공고에는 다음 정보가 있습니다: ${l}.`,
    filler: [
      "직원들은 이 개가 시간과 인내, 그리고 곁에 머물러 줄 사람이 필요하다고 설명합니다.",
      "산책과 자신만의 잠자리, 그리고 약간의 훈련이 큰 도움이 될 것입니다.",
      "이 개를 만나고 싶은 분은 보호소에 연락해 방문 일정을 잡을 수 있습니다.",
      "돌보는 직원들은 이 개를 잘 알고 있으며 어떤 질문에도 기꺼이 답해 드립니다.",
    ],
  },
  ru: {
    intro: (n) => `${n} ждёт в приюте новую семью.`,
    numbers: (l) => `В объявлении указаны следующие данные: ${l}.`,
    filler: [
      "Сотрудники описывают собаку, которой нужны время, терпение и люди, которые останутся рядом.",
      "Прогулки, собственное место для сна и немного дрессировки очень бы ей помогли.",
      "Кто хочет познакомиться с этой собакой, может связаться с приютом и договориться о визите.",
      "Смотрители хорошо знают собаку и с радостью ответят на любой вопрос.",
    ],
  },
  uk: {
    intro: (n) => `${n} чекає в притулку на нову родину.`,
    numbers: (l) => `В оголошенні вказано такі дані: ${l}.`,
    filler: [
      "Працівники описують собаку, якій потрібні час, терпіння і люди, які залишаться поруч.",
      "Прогулянки, власне місце для сну і трохи дресирування дуже б їй допомогли.",
      "Хто хоче познайомитися з цією собакою, може зв'язатися з притулком і домовитися про візит.",
      "Доглядачі добре знають собаку і з радістю відповідять на будь-яке запитання.",
    ],
  },
  el: {
    intro: (n) => `${n} περιμένει στο καταφύγιο μια νέα οικογένεια.`,
    numbers: (l) => `Η αγγελία δίνει αυτά τα στοιχεία: ${l}.`,
    filler: [
      "Η ομάδα περιγράφει έναν σκύλο που χρειάζεται χρόνο, υπομονή και ανθρώπους που θα μείνουν.",
      "Οι βόλτες, ένα δικό του μέρος για ύπνο και λίγη εκπαίδευση θα τον βοηθούσαν πολύ.",
      "Όποιος θέλει να γνωρίσει αυτόν τον σκύλο μπορεί να επικοινωνήσει με το καταφύγιο και να κανονίσει μια επίσκεψη.",
      "Οι φροντιστές γνωρίζουν καλά τον σκύλο και απαντούν με χαρά σε κάθε ερώτηση.",
    ],
  },
};

const GENERIC_NAME: Readonly<Record<string, string>> = {
  en: "This dog",
  de: "Dieser Hund",
  es: "Este perro",
  fr: "Ce chien",
  it: "Questo cane",
  nl: "Deze hond",
  pt: "Este cão",
  pl: "Ten pies",
  sv: "Den här hunden",
  da: "Denne hund",
  fi: "Tämä koira",
  cs: "Tento pes",
  ro: "Acest câine",
  hu: "Ez a kutya",
  tr: "Bu köpek",
  ms: "Anjing ini",
  id: "Anjing ini",
  ja: "この犬",
  zh: "这只狗",
  ko: "이 개",
  ru: "Эта собака",
  uk: "Ця собака",
  el: "Αυτός ο σκύλος",
};

function translationOf(text: string, target: string, names: readonly string[]): string {
  const template = TEMPLATES[target] ?? TEMPLATES.en!;
  const numbers = [...new Set(text.match(/\d+(?:[.,:/-]\d+)*/g) ?? [])];
  const namesText =
    names.length > 0 ? names.join(", ") : (GENERIC_NAME[target] ?? GENERIC_NAME.en!);
  const sentences = [template.intro(namesText)];
  // Every adoption-critical fact of the source, said in the target language, as a translator
  // would carry it over.
  const subject = names[0] ?? GENERIC_NAME[target] ?? GENERIC_NAME.en!;
  sentences.push(...factSentences(text, target, subject));
  if (numbers.length > 0) sentences.push(template.numbers(numbers.join(", ")));
  // Roughly as long as the source, as a real translation would be.
  const wanted = text.length * 0.8;
  for (let i = 0; sentences.join(" ").length < wanted; i++) {
    sentences.push(template.filler[i % template.filler.length]!);
  }
  return sentences.join(" ");
}

/** One sentence per distinct critical fact of `text`, in `target` (none without a lexicon). */
export function factSentences(text: string, target: string, subject: string): string[] {
  const render = lexiconFor(target)?.render;
  if (!render) return [];
  const keys = [
    ...new Set(readFacts(text, sourceLexiconLanguages(detectLanguage(text))).map((f) => f.key)),
  ];
  return keys.flatMap((key, i) => {
    const phrases = render[key] ?? [];
    const phrase = phrases[(text.length + i) % Math.max(1, phrases.length)];
    return phrase ? [`${subject} ${phrase}.`] : [];
  });
}
