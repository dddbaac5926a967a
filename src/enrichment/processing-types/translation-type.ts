// Translation: the text adopters read, into each target language; names and numbers kept,
// every critical fact kept.
import { prepareFacts } from "../input/prepare-listing.js";
import { PROMPT_VERSION } from "../prompts/translation-prompt.js";
import { translateText } from "../translate-text.js";
import { chooseTranslationSource } from "../translation-source.js";
import type { ProcessingTypeDefinition } from "./processing-type-definition.js";

export const translationType: ProcessingTypeDefinition<"translation"> = {
  name: "translation",
  featureVariable: "LLM_FEATURE_TRANSLATION",
  promptVersion: PROMPT_VERSION,
  fansOutOverLanguages: true,
  sharesCallAcrossLanguages: true,
  sourceFields: "display_text",
  resultColumn: "translations",
  temperatureRange: { min: 0.1, max: 0.3 },
  // Most target languages take more tokens than English for the same text.
  // One call for all of a listing's languages: each further language adds its code to the
  // prompt, and a translation to the answer.
  tokens: {
    promptOverheadTokens: 84,
    completion: { perSourceToken: 1.3 },
    perSharingItemTokens: 9,
  },
  // The claim check sends the source and the translation (longer in most targets).
  verificationTokens: {
    promptOverheadTokens: 150,
    sourceCopies: 2.5,
    completion: { perSourceToken: 0.25 },
  },
  async process(deps, { animal, targetLanguage, signal, variant, languageGroup }) {
    const source = chooseTranslationSource(animal);
    const facts = prepareFacts(animal);
    const outcome = await translateText(deps, {
      text: source.text,
      targetLanguage,
      preserve: animal.name ? [animal.name] : [],
      overrides: animal.organizationOverrides,
      structured: { sex: facts.sex, age_text: facts.age_text },
      signal,
      variant,
      ...(languageGroup && { languageGroup }),
    });
    // translations[lang] holds the text alone; the detected source language is in the flags.
    if (outcome.status !== "succeeded") return outcome;
    const flags = source.flag ? [...outcome.flags, source.flag] : outcome.flags;
    return { ...outcome, value: outcome.value.text, flags };
  },
};
