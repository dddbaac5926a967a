// A fake model that goes wrong the ways real models do (issue 14), on request: it takes the
// well-behaved answer (fake-model-answers.ts) and plants one fault in it — an invented
// compatibility or house-training claim, a dropped warning, a lost "not", the wrong language, a
// profile value its quote contradicts, a bio that adds facts, a trait quoted from an unrelated
// sentence. Wording varies with the listing. Re-asks get the same fault: a model that went
// wrong once is assumed to go wrong again, so only the guards can keep the fault out.
import { sourceLexiconLanguages, lexiconFor, TRAIT_SYNONYMS } from "../enrichment/facts/lexicon.js";
import { readFacts } from "../enrichment/facts/read-facts.js";
import { splitSentences } from "../enrichment/facts/sentences.js";
import { WARNING_KEYS, flippedValue } from "../enrichment/facts/fact-kinds.js";
import { detectLanguage } from "../enrichment/input/detect-language.js";
import {
  answerLikeAModel,
  fakeTranslation,
  readFakeRequest,
  type FakeCompletionRequest,
  type FakeRequestParts,
} from "./fake-model-answers.js";

export const FAULT_KINDS = {
  description_cleaning: ["invented_fact", "dropped_warning", "flipped_negation", "wrong_language"],
  translation: ["invented_fact", "dropped_warning", "flipped_fact", "wrong_language"],
  dog_profiler: [
    "contradicted_compatibility",
    "invented_compatibility",
    "invented_bio_fact",
    "unrelated_trait_quote",
  ],
} as const;

export type FaultTask = keyof typeof FAULT_KINDS;
export type FaultKind = (typeof FAULT_KINDS)[FaultTask][number];

/** The faults about adoption-critical facts (the ones LLM_VERIFY=off must still keep out). */
export const CRITICAL_FACT_FAULTS: ReadonlySet<string> = new Set([
  "invented_fact",
  "dropped_warning",
  "flipped_negation",
  "flipped_fact",
  "contradicted_compatibility",
  "invented_compatibility",
  "invented_bio_fact",
]);

export interface PlantedAnswer {
  readonly content: string;
  /** False when the listing offers no place for this fault (the honest answer is returned). */
  readonly planted: boolean;
  /** A translation into several languages at once: the languages whose part has the fault. */
  readonly plantedIn?: readonly string[];
}

/** The answer with `fault` planted when the request's task has it and the listing allows it. */
export function answerWithFault(request: FakeCompletionRequest, fault: FaultKind): PlantedAnswer {
  const honest = answerLikeAModel(request);
  const parts = readFakeRequest(request);
  if (parts.task === "translation" && parts.targetLanguages.length > 0) {
    return plantInEachLanguage(parts, honest, fault);
  }
  const planted = plant(parts, honest, fault);
  return planted === undefined
    ? { content: honest, planted: false }
    : { content: planted, planted: true };
}

/** A shared translation's answer (JSON by language code): the fault in each language's part. */
function plantInEachLanguage(
  parts: FakeRequestParts,
  honest: string,
  fault: FaultKind,
): PlantedAnswer {
  const texts = JSON.parse(honest) as Record<string, string>;
  const plantedIn: string[] = [];
  for (const code of parts.targetLanguages) {
    const planted = plantInTranslation({ ...parts, targetLanguage: code }, texts[code]!, fault);
    if (planted === undefined) continue;
    texts[code] = planted;
    plantedIn.push(code);
  }
  return { content: JSON.stringify(texts), planted: plantedIn.length > 0, plantedIn };
}

function plant(parts: FakeRequestParts, honest: string, fault: FaultKind): string | undefined {
  switch (parts.task) {
    case "description_cleaning":
      return plantInCleaning(parts, honest, fault);
    case "translation":
      return plantInTranslation(parts, honest, fault);
    case "dog_profiler":
      return plantInProfile(parts, honest, fault);
    default:
      return undefined;
  }
}

/** A stable choice among `n` options for this text. */
function choose(text: string, n: number, salt = 0): number {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % Math.max(1, n);
}

function sourceKeys(text: string): Set<string> {
  return new Set(readFacts(text, sourceLexiconLanguages(detectLanguage(text))).map((f) => f.key));
}

interface Claim {
  readonly text: (name: string) => string;
  readonly keys: readonly string[];
}

const INVENTED: Readonly<Record<string, readonly Claim[]>> = {
  en: [
    {
      text: (n) => `${n} is house-trained and good with children and cats.`,
      keys: ["house_trained:yes", "children:yes", "cats:yes"],
    },
    {
      text: (n) => `${n} is fully house trained, great with kids and lives happily with cats.`,
      keys: ["house_trained:yes", "children:yes", "cats:yes"],
    },
    {
      text: (n) =>
        `Good news: ${n} gets along well with kids and cats and is already potty trained.`,
      keys: ["children:yes", "cats:yes", "house_trained:yes"],
    },
    {
      text: (n) => `${n} loves children and is gentle with cats.`,
      keys: ["children:yes", "cats:yes"],
    },
    {
      text: (n) => `${n} is vaccinated, neutered and friendly with other dogs.`,
      keys: ["vaccinated:yes", "neutered:yes", "dogs:yes"],
    },
    {
      text: (n) => `Toddlers are no problem: ${n} is wonderful with small children.`,
      keys: ["children:yes"],
    },
    {
      text: (n) => `${n} is suitable for first-time owners and can be left alone all day.`,
      keys: ["experienced_owner:no"],
    },
  ],
  de: [
    {
      text: (n) => `${n} ist stubenrein und versteht sich gut mit Kindern und Katzen.`,
      keys: ["house_trained:yes", "children:yes", "cats:yes"],
    },
    {
      text: (n) => `${n} ist kinderlieb, katzenverträglich und stubenrein.`,
      keys: ["children:yes", "cats:yes", "house_trained:yes"],
    },
    {
      text: (n) => `${n} ist geimpft, gechipt und mit Artgenossen verträglich.`,
      keys: ["vaccinated:yes", "microchipped:yes", "dogs:yes"],
    },
    {
      text: (n) => `Mit Kindern ist ${n} toll, und auch mit Katzen kommt ${n} prima klar.`,
      keys: ["children:yes", "cats:yes"],
    },
    {
      text: (n) => `${n} ist auch für Anfänger geeignet und bereits stubenrein.`,
      keys: ["experienced_owner:no", "house_trained:yes"],
    },
  ],
  es: [
    {
      text: (n) => `${n} se lleva muy bien con los gatos y con los niños pequeños.`,
      keys: ["cats:yes", "children:yes"],
    },
    {
      text: (n) => `Además, ${n} es muy bueno con los niños y convive con gatos.`,
      keys: ["children:yes", "cats:yes"],
    },
    {
      text: (n) => `${n} está vacunado, castrado y se lleva bien con otros perros.`,
      keys: ["vaccinated:yes", "neutered:yes", "dogs:yes"],
    },
    {
      text: (n) => `${n} es apto para principiantes y sabe hacer sus necesidades fuera.`,
      keys: ["experienced_owner:no", "house_trained:yes"],
    },
  ],
  fr: [
    {
      text: (n) => `${n} s'entend très bien avec les chats et les jeunes enfants.`,
      keys: ["cats:yes", "children:yes"],
    },
    {
      text: (n) => `${n} est adorable avec les enfants et vit avec des chats.`,
      keys: ["children:yes", "cats:yes"],
    },
    {
      text: (n) => `${n} est vacciné, pucé et s'entend bien avec les autres chiens.`,
      keys: ["vaccinated:yes", "microchipped:yes", "dogs:yes"],
    },
    {
      text: (n) => `${n} est adapté aux débutants et déjà propre.`,
      keys: ["experienced_owner:no", "house_trained:yes"],
    },
  ],
};

function inventedSentence(
  language: string,
  present: ReadonlySet<string>,
  seed: string,
  name: string,
): string | undefined {
  const claims = (INVENTED[language] ?? []).filter((c) => c.keys.every((k) => !present.has(k)));
  if (claims.length === 0) return undefined;
  return claims[choose(seed, claims.length)]!.text(name);
}

/** Puts `sentence` after a sentence of `text` (which one varies), or at the end. */
function insertSentence(text: string, sentence: string, seed: string, language: string): string {
  const sentences = splitSentences(text, language);
  if (sentences.length === 0) return `${text} ${sentence}`.trim();
  const after = sentences[choose(seed, sentences.length, 7)]!;
  return `${text.slice(0, after.end)} ${sentence}${text.slice(after.end)}`;
}

// Warning sentences, found by words of their own (not the guards' lexicons), so the dropped
// warnings measured include ones the lexicons may miss.
const WARNING_WORDS =
  /\b(?:nervous|scared of|scared|fearful|afraid of|timid|anxious|aggressive|aggression|bites|biting|bitten|snaps|snappy|growls?|muzzle|guards? (?:his|her|its) (?:food|toys|bowl)|resource guard\w*|separation anxiety|(?:can ?not|can't|cannot) be left alone|reactive|escape artist|escapes|experienced (?:owner|home|adopter)s?|not (?:good|suitable|great|ok) (?:with|for) (?:\S+ ){0,2}(?:children|kids|toddlers|cats|dogs|families|beginners)|no (?:small |young )?(?:children|kids|cats|other dogs)|only (?:dog|pet)|medication|special needs|skin (?:problem|disease|condition)s?|blind|deaf|injured|ängstlich\p{L}*|unsicher\p{L}*|nervös\p{L}*|aggressive\p{L}*|aggression|gebissen|bissig\p{L}*|maulkorb\p{L}*|ressourcen|trennungsangst|hundeerfahr\p{L}*|anfänger\p{L}*|kinderlos\p{L}*|ohne kinder|keine kinder|katzen sollten|einzelhund|einzelplatz|krank\p{L}*|medikament\p{L}*)\b/iu;

function dropWarningSentence(text: string, seed: string, language: string): string | undefined {
  const sentences = splitSentences(text, language).filter((s) => WARNING_WORDS.test(s.text));
  if (sentences.length === 0) return undefined;
  const drop = sentences[choose(seed, sentences.length, 3)]!;
  return `${text.slice(0, drop.start)}${text.slice(drop.end)}`.replace(/ {2,}/g, " ").trim();
}

/** Negations near a critical word, and how a careless model loses them. */
const NEGATION_EDITS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(is|does|do|can|are|was|should)n['’]t\b/iu, "$1"],
  [/\bcannot\b/iu, "can"],
  [/\bnot\s+/iu, ""],
  [/\bnever\b/iu, "always"],
  [/\bwithout\b/iu, "with"],
  [/\bno\s+(?=(?:small |young |other )?(?:children|kids|cats|dogs|pets))/iu, "lots of "],
  [/\bnicht\s+/iu, ""],
  [/\bkeine\s+/iu, ""],
  [/\bkein\b/iu, "ein"],
  [/\bohne\b/iu, "mit"],
  [/\bkinderlos(\p{L}*)/iu, "kinderlieb$1"],
];

const CRITICAL_WORDS =
  /\b(?:children(?!['’]s)|kids|child|toddlers|cats?|(?:other )?dogs|(?:house|potty|toilet)[- ]?trained|left alone|beginners?|first[- ]time|aggressive|bite|kinder\p{L}*|katzen\p{L}*|artgenossen|hunden|rüden|anfänger\p{L}*|stubenrein|verträglich|alleine?)\b/iu;

/** Loses the first negation that stands within a few words before a critical word. */
function flipNegation(text: string, seed: string, language: string): string | undefined {
  const edits: Array<{ start: number; end: number; replacement: string }> = [];
  for (const sentence of splitSentences(text, language)) {
    for (const [re, replacement] of NEGATION_EDITS) {
      const global = new RegExp(re.source, "giu");
      for (const m of sentence.text.matchAll(global)) {
        const after = sentence.text
          .slice(m.index + m[0].length)
          .split(/\s+/)
          .slice(0, 5)
          .join(" ");
        const near = re.source.includes("kinderlos") || CRITICAL_WORDS.test(after);
        if (!near || /^[,;:]/.test(after)) continue;
        const start = sentence.start + m.index;
        edits.push({ start, end: start + m[0].length, replacement: m[0].replace(re, replacement) });
      }
    }
  }
  if (edits.length === 0) return undefined;
  const edit = edits[choose(seed, edits.length, 5)]!;
  return `${text.slice(0, edit.start)}${edit.replacement}${text.slice(edit.end)}`;
}

function plantInCleaning(
  parts: FakeRequestParts,
  honest: string,
  fault: FaultKind,
): string | undefined {
  const language = detectLanguage(parts.listing) === "de" ? "de" : "en";
  const seed = parts.listing;
  switch (fault) {
    case "invented_fact": {
      const name = parts.name ?? (language === "de" ? "Der Hund" : "The dog");
      const sentence = inventedSentence(language, sourceKeys(parts.listing), seed, name);
      return sentence === undefined ? undefined : insertSentence(honest, sentence, seed, language);
    }
    case "dropped_warning":
      return dropWarningSentence(honest, seed, language);
    case "flipped_negation":
      return flipNegation(honest, seed, language);
    case "wrong_language":
      return fakeTranslation(parts.listing, "es", parts.name ? [parts.name] : []);
    default:
      return undefined;
  }
}

function plantInTranslation(
  parts: FakeRequestParts,
  honest: string,
  fault: FaultKind,
): string | undefined {
  const target = parts.targetLanguage;
  const seed = `${parts.listing}|${target}`;
  const render = lexiconFor(target)?.render;
  const keys = [...sourceKeys(parts.listing)];
  const name = parts.preserve[0] ?? "";
  switch (fault) {
    case "invented_fact": {
      const sentence = inventedSentence(target, new Set(keys), seed, name || "Él");
      return sentence === undefined ? undefined : insertSentence(honest, sentence, seed, target);
    }
    case "dropped_warning": {
      if (!render) return undefined;
      const warnings = keys.filter((k) => WARNING_KEYS.has(k));
      const phrases = warnings.flatMap((k) => render[k] ?? []).filter((p) => honest.includes(p));
      if (phrases.length === 0) return undefined;
      const phrase = phrases[choose(seed, phrases.length)]!;
      const sentence = splitSentences(honest, target).find((s) => s.text.includes(phrase))!;
      return `${honest.slice(0, sentence.start)}${honest.slice(sentence.end)}`
        .replace(/ {2,}/g, " ")
        .trim();
    }
    case "flipped_fact": {
      if (!render) return undefined;
      const flippable = keys.flatMap((k) => {
        const [kind, value] = k.split(":") as [Parameters<typeof flippedValue>[0], string];
        const opposite = flippedValue(kind, value);
        const to = opposite === undefined ? undefined : render[`${kind}:${opposite}`]?.[0];
        const from = (render[k] ?? []).find((p) => honest.includes(p));
        return to && from && !keys.includes(`${kind}:${opposite}`) ? [[from, to] as const] : [];
      });
      if (flippable.length === 0) return undefined;
      const [from, to] = flippable[choose(seed, flippable.length)]!;
      return honest.replace(from, to);
    }
    case "wrong_language":
      return fakeTranslation(parts.listing, target === "en" ? "de" : "en", parts.preserve);
    default:
      return undefined;
  }
}

interface FakeProfile {
  tagline: string;
  bio: string;
  looking_for: string;
  personality_traits: string[];
  interests: string[];
  fun_fact: string | null;
  good_with_dogs: string;
  good_with_cats: string;
  good_with_children: string;
  evidence: { field: string; claim: string; quote: string }[];
}

const COMPAT_FIELD = {
  children: "good_with_children",
  cats: "good_with_cats",
  dogs: "good_with_dogs",
} as const;

const FAKE_TRAITS: Readonly<Record<string, readonly string[]>> = {
  en: ["playful", "loyal", "calm", "energetic", "curious", "smart"],
  de: ["verspielt", "treu", "ruhig", "lebhaft", "neugierig", "klug"],
};

function plantInProfile(
  parts: FakeRequestParts,
  honest: string,
  fault: FaultKind,
): string | undefined {
  const answer = JSON.parse(honest) as { profile: FakeProfile | null };
  // No profile for a listing that states no trait: nothing to plant a fault in.
  if (answer.profile === null) return undefined;
  const profile = answer.profile;
  const planted = () => JSON.stringify({ profile, no_profile: null });
  const listing = parts.listing;
  const language = parts.outputLanguage === "de" ? "de" : "en";
  const seed = listing;
  const facts = readFacts(listing, sourceLexiconLanguages(detectLanguage(listing)));
  const sentences = splitSentences(listing, detectLanguage(listing) ?? "en");
  const quoteOf = (text: string): string => text.split(/\s+/).slice(0, 8).join(" ");
  switch (fault) {
    case "contradicted_compatibility": {
      // "… isn't suitable for small children" → good_with_children "yes", quoting its core.
      const against = facts.filter(
        (f) =>
          (f.kind === "children" || f.kind === "cats" || f.kind === "dogs") && f.value === "no",
      );
      if (against.length === 0) return undefined;
      const fact = against[choose(seed, against.length)]!;
      const field = COMPAT_FIELD[fact.kind as keyof typeof COMPAT_FIELD];
      profile[field] = "yes";
      profile.evidence = profile.evidence.filter((e) => e.field !== field);
      profile.evidence.push({
        field,
        claim: "yes",
        quote: fact.negated ? fact.matched : quoteOf(fact.sentence),
      });
      return planted();
    }
    case "invented_compatibility": {
      const unknown = (["cats", "children", "dogs"] as const).filter(
        (k) => !facts.some((f) => f.kind === k),
      );
      if (unknown.length === 0 || sentences.length === 0) return undefined;
      const kind = unknown[choose(seed, unknown.length)]!;
      const field = COMPAT_FIELD[kind];
      const sentence = sentences[choose(seed, sentences.length, 11)]!;
      profile[field] = choose(seed, 3, 13) === 0 ? "selective" : "yes";
      profile.evidence.push({ field, claim: profile[field], quote: quoteOf(sentence.text) });
      return planted();
    }
    case "invented_bio_fact": {
      const name = parts.name ?? (language === "de" ? "Der Hund" : "The dog");
      const sentence = inventedSentence(language, new Set(facts.map((f) => f.key)), seed, name);
      if (sentence === undefined) return undefined;
      const first = splitSentences(profile.bio, language)[0]?.text ?? profile.bio;
      profile.bio =
        choose(seed, 2, 17) === 0 ? `${first} ${sentence}` : `${profile.bio} ${sentence}`;
      return planted();
    }
    case "unrelated_trait_quote": {
      if (profile.personality_traits.length >= 5 || sentences.length === 0) return undefined;
      const lowered = listing.toLowerCase();
      const absent = (FAKE_TRAITS[language] ?? []).filter((trait) => {
        const group = TRAIT_SYNONYMS.find((g) => g.includes(trait)) ?? [trait];
        return !group.some((w) => lowered.includes(w.slice(0, 5)));
      });
      if (absent.length === 0) return undefined;
      const trait = absent[choose(seed, absent.length)]!;
      const sentence = sentences[choose(seed, sentences.length, 19)]!;
      profile.personality_traits.push(trait);
      profile.evidence.push({
        field: "personality_traits",
        claim: trait,
        quote: quoteOf(sentence.text),
      });
      return planted();
    }
    default:
      return undefined;
  }
}
