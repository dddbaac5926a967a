import { describe, expect, it } from "vitest";
import { FACT_KINDS, FACT_VALUES } from "../../../src/enrichment/facts/fact-kinds.js";
import { FACT_LANGUAGES, lexiconFor } from "../../../src/enrichment/facts/lexicon.js";
import { readFacts } from "../../../src/enrichment/facts/read-facts.js";
import { realSentence } from "./real-sentences.js";

const keys = (text: string, languages: readonly string[] = ["en"]): string[] =>
  readFacts(text, languages).map((f) => f.key);

// [listing, words that locate the sentence, lexicons, keys it must state, keys it must not]
const REAL: ReadonlyArray<
  readonly [string, string, readonly string[], readonly string[], readonly string[]]
> = [
  // compatibility, with negation scope
  ["pfmy-test-7562239de", "not good with kids", ["en"], ["children:no"], ["children:yes"]],
  [
    "pfmy-aiap-row01299",
    "isn't really good with toddlers",
    ["en"],
    ["children:no"],
    ["children:yes"],
  ],
  ["pfmy-test-ea1a2b014", "Not suitable for house", ["en"], ["children:no"], ["children:yes"]],
  ["pfmy-test-08f0404e1", "Gentle with kids", ["en"], ["children:yes"], ["children:no"]],
  ["pfus-36067682", "No cats", ["en"], ["cats:no"], ["cats:yes"]],
  ["pfus-36067682", "no children younger than", ["en"], ["children:selective"], ["children:yes"]],
  ["pfmy-test-1f1ddd287", "She loves cats", ["en"], ["cats:yes"], ["cats:no"]],
  ["pfmy-test-8dc7050a9", "chase cats", ["en"], ["cats:no"], ["cats:yes"]],
  ["pfmy-test-7a0627be7", "gets along well with other dogs", ["en"], ["dogs:yes"], ["dogs:no"]],
  ["thmuc-171066", "kinderloses Zuhause", ["de", "en"], ["children:no"], ["children:yes"]],
  [
    "thmuc-182523",
    "keine Kinder leben",
    ["de", "en"],
    ["children:no", "biting:yes"],
    ["children:yes"],
  ],
  ["thmuc-210786", "Katzen sollten", ["de", "en"], ["cats:no"], ["cats:yes"]],
  ["thmuc-171066", "mit Rüden leider nicht", ["de", "en"], ["dogs:yes", "dogs:selective"], []],
  [
    "thmuc-184259",
    "lieber nicht leben",
    ["de", "en"],
    ["children:no", "dogs:selective"],
    ["children:yes"],
  ],
  ["thmuc-200540", "Einzelplatz ohne Kinder", ["de", "en"], ["only_pet:yes", "children:no"], []],
  // house-training, vaccination, sterilisation, microchip; plans are no facts
  [
    "pfmy-test-470653184",
    "not toilet trained",
    ["en"],
    ["house_trained:no"],
    ["house_trained:yes"],
  ],
  ["pfmy-test-0ea2272a3", "house trained to potty", ["en"], ["house_trained:yes"], []],
  ["pfmy-test-08f0404e1", "fully vaccinated", ["en"], ["vaccinated:yes", "neutered:yes"], []],
  ["pfmy-aiap-row00004", "required to vaccinate", ["en"], [], ["vaccinated:yes", "neutered:yes"]],
  ["pfmy-test-eb34642e2", "not been neutered", ["en"], ["neutered:no"], ["neutered:yes"]],
  ["thmuc-152709", "ist kastriert", ["de", "en"], ["neutered:yes"], []],
  ["thmuc-214225", "unkastrierter", ["de", "en"], ["neutered:no", "sex:male"], ["neutered:yes"]],
  ["pfmy-test-ad69768f2", "microchipped", ["en"], ["microchipped:yes", "health_condition:no"], []],
  // health, medication, special needs
  ["pfmy-test-4e21958c3", "minor skin problem", ["en"], ["health_condition:yes"], []],
  ["pfmy-test-e3b49febf", "giving her the medicine", ["en"], ["medication:yes"], []],
  ["thmuc-216356", "Medikamente", ["de", "en"], ["medication:yes", "health_condition:yes"], []],
  ["pfmy-test-ab2f40da8", "Special needs", ["en"], ["special_needs:yes"], []],
  // behaviour warnings
  ["pfmy-test-01e7a25d6", "not aggressive", ["en"], ["aggression:no"], ["aggression:yes"]],
  ["pfmy-test-90680906b", "No sign of aggression", ["en"], ["aggression:no"], ["aggression:yes"]],
  ["thmuc-182523", "weil er gebissen hat", ["de", "en"], ["biting:yes"], []],
  ["thmuc-200078", "Maulkorb", ["de", "en"], ["muzzle:yes"], []],
  [
    "thmuc-152709",
    "Verteidigung von Ressourcen",
    ["de", "en"],
    ["resource_guarding:yes", "fearful:yes"],
    [],
  ],
  [
    "pfmy-test-1742c791e",
    "separation anxiety",
    ["en"],
    ["separation_anxiety:yes"],
    ["fearful:yes"],
  ],
  ["pfmy-aiap-row01470", "doesn't like to be alone", ["en"], ["separation_anxiety:yes"], []],
  [
    "thmuc-195753",
    "alleine bleiben",
    ["de", "en"],
    ["separation_anxiety:no"],
    ["separation_anxiety:yes"],
  ],
  ["pfmy-test-02661c4c5", "A nervous and shy boy", ["en"], ["fearful:yes", "sex:male"], []],
  ["thmuc-184259", "ängstlich und unsicher", ["de", "en"], ["fearful:yes"], []],
  ["thmuc-213500", "leinenaggressiv", ["de", "en"], ["aggression:yes"], []],
  ["pfmy-test-93f2c9ee0", "barks at strangers", ["en"], ["reactive:yes"], []],
  ["pfmy-test-d6ab3d456", "try to escape", ["en"], ["escape_artist:yes"], []],
  [
    "pfmy-test-8aa1e6cb5",
    "experienced and responsible owner",
    ["en"],
    ["experienced_owner:yes"],
    [],
  ],
  ["thmuc-182523", "hundeerfahren", ["de", "en"], ["experienced_owner:yes"], []],
  [
    "thmuc-152709",
    "kein Anfänger-Hund",
    ["de", "en"],
    ["experienced_owner:yes"],
    ["experienced_owner:no"],
  ],
  ["pfmy-test-2a91e876f", "only dogs lover", ["en"], [], ["only_pet:yes"]],
  // energy, sex, age
  ["pfmy-test-bdb8343cb", "very active at home", ["en"], ["energy:high"], []],
  ["pfmy-test-378fcc4fc", "calm for a young dog", ["en"], ["energy:low", "age:puppy"], []],
  ["thmuc-171066", "Malinois Rüde", ["de", "en"], ["sex:male"], ["sex:female"]],
  ["pfmy-test-bd401c9d7", "active female dog", ["en"], ["sex:female", "energy:high"], []],
  ["thmuc-225739", "ihren Welpen", ["de", "en"], ["age:puppy"], []],
];

describe("readFacts on real listing sentences", () => {
  it.each(REAL)("%s: %s", (id, fragment, languages, must, mustNot) => {
    const got = keys(realSentence(id, fragment), languages);
    for (const key of must) expect(got, JSON.stringify(got)).toContain(key);
    for (const key of mustNot) expect(got, JSON.stringify(got)).not.toContain(key);
  });

  it("covers every fact kind with at least one real sentence", () => {
    const covered = new Set(REAL.flatMap(([, , , must]) => must.map((k) => k.split(":")[0])));
    expect(FACT_KINDS.filter((kind) => !covered.has(kind))).toEqual([]);
  });

  it("keeps the span each fact came from", () => {
    const sentence = realSentence("pfmy-aiap-row01299", "isn't really good with toddlers");
    const [fact] = readFacts(sentence, ["en"]).filter((f) => f.kind === "children");
    expect(fact).toMatchObject({ value: "no", negated: true });
    expect(sentence.slice(fact!.span.start, fact!.span.end)).toBe(fact!.matched);
  });
});

describe("negation scope", () => {
  it("ends at a contrast word and at clause punctuation", () => {
    expect(keys("Not good with cats, but great with kids.")).toEqual(["cats:no", "children:yes"]);
    expect(keys("She is not aggressive and good with kids.")).toContain("children:yes");
  });

  it("reads the negations the issue names, in every output language", () => {
    expect(keys("He is not good with cats.")).toEqual(["cats:no"]);
    expect(keys("No cats, please.")).toEqual(["cats:no"]);
    expect(keys("Bitte keine Kinder.", ["de"])).toEqual(["children:no"]);
    expect(keys("Er ist nicht für Anfänger geeignet.", ["de"])).toEqual(["experienced_owner:yes"]);
    expect(keys("No apto para niños pequeños.", ["es"])).toEqual(["children:no"]);
    expect(keys("Il ne s'entend pas avec les chats.", ["fr"])).toEqual(["cats:no"]);
  });

  it("ignores negations that deny nothing ('no problem', 'not only')", () => {
    expect(keys("Not only is she house trained, she is good with kids.")).toEqual([
      "house_trained:yes",
      "children:yes",
    ]);
    expect(keys("Mit Artgenossen hat sie keine Probleme.", ["de"])).toContain("dogs:yes");
  });
});

describe("the lexicons' own phrases (what the fake model says)", () => {
  it.each(FACT_LANGUAGES)("%s: every phrase states exactly its fact", (language) => {
    const lexicon = lexiconFor(language)!;
    for (const [key, phrases] of Object.entries(lexicon.render)) {
      for (const phrase of phrases)
        expect([phrase, keys(`Bella ${phrase}.`, [language])]).toEqual([phrase, [key]]);
    }
  });

  it.each(FACT_LANGUAGES)("%s: has a phrase for every fact", (language) => {
    const render = lexiconFor(language)!.render;
    const missing = FACT_KINDS.flatMap((kind) =>
      (FACT_VALUES[kind] as readonly string[]).map((v) => `${kind}:${v}`),
    ).filter((key) => (render[key] ?? []).length === 0);
    expect(missing).toEqual([]);
  });
});
