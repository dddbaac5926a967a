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
import { OUTPUT_LANGUAGE_LINE_PREFIX } from "../enrichment/prompts/language-names.js";
import { readPromptId } from "../enrichment/prompts/prompt-id.js";
import {
  PRESERVE_LINE_PREFIX,
  TARGET_LANGUAGE_LINE_PREFIX,
} from "../enrichment/prompts/translation-prompt.js";
import {
  bannedPhraseReasons,
  DEFAULT_BANNED_PHRASES,
} from "../enrichment/guards/banned-phrases.js";
import { contactOrInstructionReasons } from "../enrichment/guards/injection-guard.js";

export interface FakeCompletionRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly temperature?: number;
  readonly response_format?: unknown;
}

/** The content a well-behaved model would answer for this request. */
export function answerLikeAModel(request: FakeCompletionRequest): string {
  const system = request.messages.find((m) => m.role === "system")?.content ?? "";
  const user = request.messages.find((m) => m.role === "user")?.content ?? "";
  const task = readPromptId(system)?.split("@")[0];
  const listing = extractBlock(user, LISTING_OPEN, LISTING_CLOSE) ?? "";
  const facts = parseFacts(extractBlock(user, FACTS_OPEN, FACTS_CLOSE) ?? "");
  switch (task) {
    case "description_cleaning":
      return tidyListing(listing, displayName(facts.name), bannedPhrases(system));
    case "dog_profiler":
      return JSON.stringify(
        withVariantQuirks(
          profileOf(
            listing,
            facts,
            languageCode(lineValue(system, OUTPUT_LANGUAGE_LINE_PREFIX)) ?? "en",
          ),
          {
            careless: /careless/i.test(request.model),
            warm: /\bwarm/i.test(system),
            reasked: request.messages.some((m) => m.role === "assistant"),
            listingHash: fnv1a(listing),
            name: displayName(facts.name),
          },
        ),
      );
    case "translation":
      return translationOf(
        listing,
        languageCode(lineValue(system, TARGET_LANGUAGE_LINE_PREFIX)) ?? "en",
        (lineValue(system, PRESERVE_LINE_PREFIX) ?? "")
          .split(",")
          .map((n) => n.trim())
          .filter(Boolean),
      );
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
    pattern: /\b(?:shy|timid)\b|\bschüchtern\p{L}*|\bunsicher\p{L}*/iu,
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

  const pick = (
    cues: readonly Cue[],
    field: string,
    min: number,
    max: number,
    fallback: readonly Cue[],
  ): string[] => {
    const chosen: string[] = [];
    for (const cue of cues) {
      const match = cue.pattern.exec(source);
      if (!match || chosen.length >= max) continue;
      chosen.push(cue[lang]);
      evidence.push({ field, claim: cue[lang], quote: match[0] });
    }
    // A thin listing still yields the minimum, each label tied to a sentence of the listing.
    for (let i = 0; chosen.length < min && i < fallback.length; i++) {
      const label = fallback[i]![lang];
      if (chosen.includes(label)) continue;
      chosen.push(label);
      evidence.push({
        field,
        claim: label,
        quote: quoteFrom(sentences[i % Math.max(1, sentences.length)] ?? source),
      });
    }
    return chosen;
  };

  const traits = pick(TRAIT_CUES, "personality_traits", 3, 5, [
    { pattern: /$^/, en: "looking for people", de: "auf Menschen angewiesen" },
    { pattern: /$^/, en: "ready for a new start", de: "bereit für einen Neuanfang" },
    { pattern: /$^/, en: "worth getting to know", de: "kennenlernenswert" },
  ]);
  const interests = pick(INTEREST_CUES, "interests", 2, 4, [
    { pattern: /$^/, en: "company", de: "Gesellschaft" },
    { pattern: /$^/, en: "attention", de: "Aufmerksamkeit" },
  ]);

  const compatibility: Record<string, string> = {};
  for (const [field, cues] of Object.entries(COMPATIBILITY_CUES)) {
    compatibility[field] = "unknown";
    for (const cue of cues) {
      const match = cue.pattern.exec(source);
      if (!match) continue;
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

  const [t1, t2] = traits;
  const [i1, i2] = interests;
  const copy =
    lang === "de"
      ? {
          tagline: `${name}: ${t1} und ${t2}`,
          bio: `${name} ist ${t1}, ${t2} und ${traits[2]}. Laut Tierheim mag ${name} besonders ${i1} und ${i2}.`,
          looking_for: `Menschen, die ${name} Zeit, Geduld und ein passendes Zuhause geben.`,
        }
      : {
          tagline: `${name}: ${t1} and ${t2}`,
          bio: `${name} is ${t1}, ${t2} and ${traits[2]}. According to the shelter, ${name} especially enjoys ${i1} and ${i2}.`,
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

function sentencesOf(text: string): string[] {
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  return [...segmenter.segment(text)]
    .map((s) => s.segment.trim())
    .filter((s) => /\p{L}{3}/u.test(s));
}

/** The first words of a sentence, verbatim: a quote that is certainly in the listing. */
function quoteFrom(sentence: string): string {
  const words = sentence.split(/\s+/).slice(0, 8).join(" ");
  return words.length >= 3 ? words : sentence;
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
      "Spaziergänge, ein ruhiger Schlafplatz und etwas Training würden ihm sehr helfen.",
      "Wer den Hund kennenlernen möchte, kann sich gerne beim Tierheim melden und einen Besuch vereinbaren.",
      "Die Pfleger kennen den Hund gut und beantworten gerne jede Frage.",
    ],
  },
  es: {
    intro: (n) => `${n} está esperando en el refugio a una nueva familia.`,
    numbers: (l) => `El anuncio da estos datos: ${l}.`,
    filler: [
      "El equipo describe a un perro que necesita tiempo, paciencia y personas que se queden con él.",
      "Los paseos, un lugar tranquilo para dormir y un poco de adiestramiento le ayudarían mucho.",
      "Quien quiera conocer a este perro puede ponerse en contacto con el refugio y concertar una visita.",
      "Los cuidadores conocen bien al perro y responderán con gusto a todas las preguntas.",
    ],
  },
  fr: {
    intro: (n) => `${n} attend au refuge une nouvelle famille.`,
    numbers: (l) => `L'annonce donne ces précisions : ${l}.`,
    filler: [
      "L'équipe décrit un chien qui a besoin de temps, de patience et de personnes qui restent.",
      "Des promenades, un endroit calme pour dormir et un peu d'éducation l'aideraient beaucoup.",
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
};

const GENERIC_NAME: Readonly<Record<string, string>> = {
  en: "This dog",
  de: "Dieser Hund",
  es: "Este perro",
  fr: "Ce chien",
  it: "Questo cane",
  nl: "Deze hond",
  pt: "Este cão",
};

function translationOf(text: string, target: string, names: readonly string[]): string {
  const template = TEMPLATES[target] ?? TEMPLATES.en!;
  const numbers = [...new Set(text.match(/\d+(?:[.,:/-]\d+)*/g) ?? [])];
  const namesText =
    names.length > 0 ? names.join(", ") : (GENERIC_NAME[target] ?? GENERIC_NAME.en!);
  const sentences = [template.intro(namesText)];
  if (numbers.length > 0) sentences.push(template.numbers(numbers.join(", ")));
  // Roughly as long as the source, as a real translation would be.
  const wanted = text.length * 0.8;
  for (let i = 0; sentences.join(" ").length < wanted; i++) {
    sentences.push(template.filler[i % template.filler.length]!);
  }
  return sentences.join(" ");
}
