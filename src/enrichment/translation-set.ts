// One call for all of a listing's target languages (issue 17): the instructions and the listing
// go out once, and the answer holds a translation per language code. Each language's item takes
// its part through SharedAnswers and checks it like an answer of its own (translate-text.ts); a
// part that fails its checks is re-asked for that language alone. The answer is cached whole
// once it has every language, so a later run needs no call for any of them.
import { z } from "zod";
import { LlmError } from "../errors.js";
import { cacheKey } from "./cache-key.js";
import type { EnrichmentDeps } from "./enrichment-deps.js";
import { completionTokenBudget } from "./estimate-tokens.js";
import type { PromptVariant } from "./experiments/prompt-variant.js";
import type { FirstAnswer } from "./guarded-completion.js";
import { SHARED_LANGUAGES_SEPARATOR, type ChatMessage, type LlmResponse } from "./llm-client.js";
import type { OrganizationOverrides } from "./organization-overrides.js";
import { parseModelJson } from "./parse-model-json.js";
import { PROMPT_VERSION, translationSetMessages } from "./prompts/translation-prompt.js";
import type { SharedAnswers } from "./shared-answers.js";

export interface TranslationSetInput {
  readonly text: string;
  /** Two or more ISO 639-1 codes, sorted; the item's own among them. */
  readonly targetLanguages: readonly string[];
  readonly preserve: readonly string[];
  readonly overrides: OrganizationOverrides;
  readonly variant?: PromptVariant | undefined;
}

/** One item's share of the call: where siblings meet, what the call sends, and for whom. */
export interface TranslationPart {
  readonly sharedAnswers: SharedAnswers;
  readonly input: TranslationSetInput;
  /** translationSetPrompt(input), built once by the caller. */
  readonly messages: readonly ChatMessage[];
  readonly signal?: AbortSignal | undefined;
}

/** What the shared call left: the answer and its parts by language, or why there is none. */
type SetAnswer =
  | { readonly response: LlmResponse; readonly parts: Readonly<Record<string, string>> }
  | { readonly error: LlmError };

const ANSWER_SHAPE = z.record(z.string(), z.unknown());

/** The languages of `group` besides the source's, sorted: what a shared call would translate into. */
export function translationSetLanguages(
  group: readonly string[],
  sourceLanguage: string | undefined,
): string[] {
  const codes = group.map((code) => code.trim().toLowerCase());
  return [...new Set(codes)].filter((code) => code !== sourceLanguage).sort();
}

export function translationSetPrompt(input: TranslationSetInput) {
  return translationSetMessages(
    { text: input.text, targetLanguages: input.targetLanguages, preserve: input.preserve },
    input.overrides,
    input.variant,
  );
}

/** The first answer for `targetLanguage`: its part of the call shared with its siblings. */
export async function takeTranslationPart(
  part: TranslationPart,
  deps: EnrichmentDeps,
  targetLanguage: string,
): Promise<FirstAnswer> {
  const { input, messages, signal } = part;
  const { config } = deps;
  const temperature = input.variant?.temperature ?? config.llm.temperatures.translation;
  const requestedModel = input.variant?.model ?? config.llm.defaultModel;
  const languages = input.targetLanguages;
  const key = cacheKey({
    processingType: "translation",
    promptVersion: input.variant?.promptVersion ?? PROMPT_VERSION,
    model: requestedModel,
    temperature,
    targetLanguage: languages.join(SHARED_LANGUAGES_SEPARATOR),
    input: { messages, answer: "translation_set" },
  });
  const compute = async (): Promise<{ value: SetAnswer; cacheable: boolean }> => {
    try {
      const response = await deps.llm.complete({
        messages,
        temperature,
        ...(input.variant?.model ? { model: input.variant.model } : {}),
        maxTokens: completionTokenBudget(input.text, 1.5 * languages.length),
        responseFormat: { type: "json_object" },
        sharedBy: languages,
        ...(signal ? { signal } : {}),
      });
      const parts = readParts(response, languages);
      const complete = languages.every((code) => parts[code] !== undefined);
      return { value: { response, parts }, cacheable: complete };
    } catch (error) {
      if (error instanceof LlmError) return { value: { error }, cacheable: false };
      throw error;
    }
  };
  const { value: looked, computedHere } = await part.sharedAnswers.take(
    key,
    targetLanguage,
    languages,
    () =>
      deps.cache.getOrCompute(key, compute, {
        processingType: "translation",
        model: requestedModel,
      }),
  );
  // A cached answer was paid for by an earlier run: no call of this item's either.
  const shared = !computedHere || looked.hit;
  const answer = looked.value;
  if ("error" in answer) return { response: answer.error, shared };
  // Cut off: the item's round fails as any cut-off answer does.
  if (answer.response.finishReason === "length") return { response: answer.response, shared };
  const text = answer.parts[targetLanguage];
  if (text !== undefined) return { response: { ...answer.response, content: text }, shared };
  return {
    response: answer.response,
    shared,
    reasons: [
      `the answer for ${languages.join(", ")} has no ${targetLanguage} translation (JSON by language code)`,
    ],
  };
}

/** Each language's non-empty text; none for an answer that is no such JSON, or was cut off. */
function readParts(response: LlmResponse, languages: readonly string[]): Record<string, string> {
  if (response.finishReason === "length") return {};
  const parsed = parseModelJson(response.content, ANSWER_SHAPE);
  if (!parsed.ok) return {};
  const parts: Record<string, string> = {};
  for (const code of languages) {
    const text = parsed.value[code];
    if (typeof text === "string" && text.trim() !== "") parts[code] = text;
  }
  return parts;
}
