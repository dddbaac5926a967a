import { readFileSync } from "node:fs";
import { prepareListing } from "./src/enrichment/input/prepare-listing.js";
import { translationMessages } from "./src/enrichment/prompts/translation-prompt.js";
import { dogProfilerMessages } from "./src/enrichment/prompts/dog-profiler-prompt.js";
import { answerLikeAModel } from "./src/testing/fake-model-answers.js";
import { detectAll } from "tinyld";
const rows = readFileSync("../shared/data/listings.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l));
for (const id of process.argv.slice(2)) {
  const r = rows.find((x) => x.external_id === id);
  const animal = { id: 1, name: r.name, breed: r.breed, ageText: r.age_text, sex: r.sex, size: r.size, language: r.language, description: r.description, enrichedDescription: null, organizationOverrides: {} };
  const listing = prepareListing(animal);
  console.log(id, JSON.stringify(r.name), JSON.stringify(listing.text.slice(0, 600)));
  const t = answerLikeAModel({ model: "x", messages: translationMessages({ text: listing.text, targetLanguage: "es", sourceLanguage: listing.language, preserve: listing.facts.name ? [listing.facts.name] : [] }, {}) });
  console.log("  ->", JSON.stringify(t.slice(0, 400)), detectAll(t).slice(0, 3));
  if (id.includes("71b1e")) console.log(answerLikeAModel({ model: "x", messages: dogProfilerMessages(listing, {}) }));
}
