// Translation into one target language; names and numbers kept, the language verified. With
// its sibling languages, the first answer comes from one call for all of them (translation-set.ts).
import type { EnrichmentDeps } from "./enrichment-deps.js";
import { runGuardedCompletion } from "./guarded-completion.js";
import type { StructuredFactsInput } from "./facts/listing-facts.js";
import { checkTranslation } from "./guards/translation-guards.js";
import { cleanSourceText } from "./input/clean-source-text.js";
import { detectLanguage } from "./input/detect-language.js";
import type { OrganizationOverrides } from "./organization-overrides.js";
import { plainTextAnswer } from "./plain-text-answer.js";
import type { PromptVariant } from "./experiments/prompt-variant.js";
import type { ProcessingOutcome } from "./processing-outcome.js";
import { PROMPT_VERSION, translationMessages } from "./prompts/translation-prompt.js";
import { completionTokenBudget } from "./estimate-tokens.js";
import { textClaims } from "./verification/output-claims.js";
import {
  takeTranslationPart,
  translationSetLanguages,
  translationSetPrompt,
  type TranslationPart,
} from "./translation-set.js";

export interface TranslateTextInput {
  readonly text: string;
  /** ISO 639-1 code. */
  readonly targetLanguage: string;
  /** ISO 639-1 code when the caller knows it; detected otherwise. */
  readonly sourceLanguage?: string;
  /** Names to keep exactly as written (e.g. the dog's name). */
  readonly preserve?: readonly string[];
  readonly overrides?: OrganizationOverrides;
  /** The listing's structured fields (sex, age), when the text is a listing's. */
  readonly structured?: StructuredFactsInput;
  readonly signal?: AbortSignal;
  /** An experiment arm or promoted prompt version; absent = the built-in prompt. */
  readonly variant?: PromptVariant | undefined;
  /**
   * Every target language of this text being translated together (the target's included): with
   * deps.sharedAnswers, one call answers them all (translation-set.ts). Absent = this one alone.
   */
  readonly languageGroup?: readonly string[];
}

/** `model` of a translation that needed no call (the text was already in the target language). */
export const NO_MODEL = "none";

export interface Translation {
  readonly text: string;
  /** The source language: given by the caller or detected; undefined when undetectable. */
  readonly sourceLanguage: string | undefined;
}

export async function translateText(
  deps: EnrichmentDeps,
  input: TranslateTextInput,
): Promise<ProcessingOutcome<Translation>> {
  const text = cleanSourceText(input.text);
  const sourceLanguage = input.sourceLanguage ?? detectLanguage(text);
  const targetLanguage = input.targetLanguage.trim().toLowerCase();
  if (text === "")
    return {
      status: "skipped",
      code: "no_source_text",
      reason: "there is no text to translate",
      sourceLanguage,
      calls: [],
    };
  if (sourceLanguage === targetLanguage) {
    // Nothing to translate: the text itself is the answer, at no cost.
    return {
      status: "succeeded",
      value: { text, sourceLanguage },
      model: NO_MODEL,
      promptVersion: input.variant?.promptVersion ?? PROMPT_VERSION,
      flags: ["already_in_target_language"],
      sourceLanguage,
      calls: [],
    };
  }
  const preserve = (input.preserve ?? [])
    .map((name) => cleanSourceText(name))
    .filter((name) => name !== "");
  const overrides = input.overrides ?? {};
  const single = () =>
    translationMessages({ text, targetLanguage, preserve }, overrides, input.variant);
  const languages = translationSetLanguages(
    [...(input.languageGroup ?? []), targetLanguage],
    sourceLanguage,
  );
  const sharedAnswers = languages.length >= 2 ? deps.sharedAnswers : undefined;
  const setInput = {
    text,
    targetLanguages: languages,
    preserve,
    overrides,
    variant: input.variant,
  };
  // The shared prompt is built once: it keys the cache and is what the shared call sends.
  const part: TranslationPart | undefined = sharedAnswers && {
    sharedAnswers,
    input: setInput,
    messages: translationSetPrompt(setInput),
    signal: input.signal,
  };
  return runGuardedCompletion(deps, {
    processingType: "translation",
    promptVersion: input.variant?.promptVersion ?? PROMPT_VERSION,
    temperature: input.variant?.temperature,
    model: input.variant?.model,
    targetLanguage,
    // Shared: the key is taken over the shared prompt, and a re-ask is this language's alone.
    messages: () => part?.messages ?? single(),
    ...(part && {
      firstAnswer: () => takeTranslationPart(part, deps, targetLanguage),
      reaskPrompt: single,
    }),
    maxTokens: () => completionTokenBudget(text, 1.5),
    sourceLanguage: () => sourceLanguage,
    signal: input.signal,
    check(content) {
      const output = plainTextAnswer(content);
      const { reasons, flags } = checkTranslation({
        source: text,
        output,
        targetLanguage,
        preserve,
        sourceLanguage,
        ...(input.structured ? { structured: input.structured } : {}),
      });
      return reasons.length === 0
        ? { ok: true, value: { text: output, sourceLanguage }, flags }
        : { ok: false, reasons };
    },
    verification: {
      source: text,
      outputName: "translation",
      claims: (translation) => textClaims(translation.text, targetLanguage),
    },
  });
}
