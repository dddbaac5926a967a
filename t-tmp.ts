import { readFileSync } from "node:fs";
import { prepareListing, factEntries } from "./src/enrichment/input/prepare-listing.js";
import { descriptionCleaningMessages } from "./src/enrichment/prompts/description-cleaning-prompt.js";
import { dogProfilerMessages, profileLanguage } from "./src/enrichment/prompts/dog-profiler-prompt.js";
import { translationMessages } from "./src/enrichment/prompts/translation-prompt.js";
import { answerLikeAModel } from "./src/testing/fake-model-answers.js";
import { cleaningGuards } from "./src/enrichment/guards/cleaning-guards.js";
import { translationGuards } from "./src/enrichment/guards/translation-guards.js";
import { parseModelJson } from "./src/enrichment/parse-model-json.js";
import { dogProfileSchema } from "./src/enrichment/dog-profile-schema.js";
import { enforceCompatibilityEvidence, profileGuards } from "./src/enrichment/guards/profile-guards.js";
import { cleanSourceText } from "./src/enrichment/input/clean-source-text.js";
import { detectLanguage } from "./src/enrichment/input/detect-language.js";
const file = process.argv[2] ?? "../shared/data/listings.jsonl";
const rows = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const fails: Record<string, number> = {};
const samples: Record<string, string[]> = {};
const note = (k: string, r: string[], id: string) => { for (const x of r) { const key = k + ": " + x.replace(/[:"].*$/, ""); fails[key] = (fails[key] ?? 0) + 1; (samples[key] ??= []).length < 2 && samples[key]!.push(id + " :: " + x.slice(0, 200)); } };
let n = 0; const langs: Record<string, number> = {};
for (const r of rows) {
  const animal = { id: 1, name: r.name, breed: r.breed, ageText: r.age_text, sex: r.sex, size: r.size, language: r.language, description: r.description, enrichedDescription: null, organizationOverrides: {} };
  const listing = prepareListing(animal);
  langs[`${r.organization}:${listing.language}`] = (langs[`${r.organization}:${listing.language}`] ?? 0) + 1;
  if (!listing.text) continue;
  n++;
  const c = answerLikeAModel({ model: "x", messages: descriptionCleaningMessages(listing, {}) });
  note("clean", cleaningGuards({ source: listing.text, facts: listing.facts, output: c }), r.external_id);
  if (listing.text.length >= 150) {
    const lang = profileLanguage(listing, {});
    const p = answerLikeAModel({ model: "x", messages: dogProfilerMessages(listing, {}) });
    const parsed = parseModelJson(p, dogProfileSchema);
    if (!parsed.ok) note("profile", parsed.reasons, r.external_id);
    else {
      const src = [...factEntries(listing.facts).map(([, v]) => v), listing.text].join("\n");
      note("profile", profileGuards({ profile: enforceCompatibilityEvidence(parsed.value).profile, source: src, language: lang }), r.external_id);
    }
  }
  for (const target of ["es", "fr", "de", "it", "nl", "pt", "en"]) {
    if (listing.language === target) continue;
    const preserve = listing.facts.name ? [listing.facts.name] : [];
    const t = answerLikeAModel({ model: "x", messages: translationMessages({ text: listing.text, targetLanguage: target, sourceLanguage: listing.language, preserve }, {}) });
    note("translate-" + target, translationGuards({ source: listing.text, output: t, targetLanguage: target, preserve }), r.external_id);
  }
}
console.log(n, langs);
console.log(Object.entries(fails).sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${v}\t${k}\n\t${samples[k]!.join("\n\t")}`).join("\n"));
