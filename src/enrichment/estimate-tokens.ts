// Token estimates for dry runs and max_tokens budgets, counted with a real tokenizer
// (count-tokens.ts) instead of characters / 4.
//
// Counting costs ~0.3 ms per listing, so a dry run over 100,000 candidates would spend half a
// minute per processing type doing it exactly. A run tally therefore counts a sample exactly —
// the first sources and then every 50th, since candidates come in id order and the first ones
// are often one organization's — and scales the rest by the characters per token measured on
// that sample (same listings, same language mix): within a few percent of the exact sum, for
// about 2% of its tokenizing.
import { countTextTokens } from "./count-tokens.js";

/** What a processing type's calls cost in tokens, besides its source text (see its definition). */
export interface TokenProfile {
  /**
   * Instructions, the facts block, chat framing and, for profiles, the JSON schema sent as
   * response_format: measured with the tokenizer over the 2,974 listings of ../shared/data.
   */
  readonly promptOverheadTokens: number;
  /**
   * How often the source's size is in the prompt (default 1): a verification call sends the
   * listing and the output written from it.
   */
  readonly sourceCopies?: number;
  /** A fixed answer size per call (a structured answer), or a multiple of the source (a text). */
  readonly completion: { readonly tokensPerCall: number } | { readonly perSourceToken: number };
  /**
   * For a call shared by several items (a translation into all of a listing's languages): the
   * prompt tokens each further item adds (its language's line and schema entry).
   */
  readonly perSharingItemTokens?: number;
}

/** Characters per token over those listings (4.27; English 4.25, German 4.41). */
export const MEASURED_CHARS_PER_TOKEN = 4.27;
/** Sources a run tally counts exactly before it starts scaling, and how often after that. */
export const DEFAULT_EXACT_SAMPLE = { first: 200, thenEvery: 50 } as const;

export interface TokenEstimate {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** Exact tokens of `text`. */
export function textTokens(text: string): number {
  return countTextTokens(text);
}

/** Estimated tokens of one call on `preparedInput`. */
export function estimateTokens(profile: TokenProfile, preparedInput: string): TokenEstimate {
  return estimateFromSourceTokens(profile, 1, countTextTokens(preparedInput));
}

/**
 * Estimated tokens of `calls` calls whose sources add up to `sourceChars` characters, for when
 * only a character sum is at hand (summed in SQL); `charsPerToken` from a tally's sample is
 * closer than the measured default.
 */
export function estimateRunTokens(
  profile: TokenProfile,
  calls: number,
  sourceChars: number,
  charsPerToken: number = MEASURED_CHARS_PER_TOKEN,
): TokenEstimate {
  return estimateFromSourceTokens(profile, calls, Math.ceil(sourceChars / charsPerToken));
}

/** Adds up the sources of a run's calls one by one (see the header for the sampling). */
export interface RunTokenTally {
  /**
   * One item's call; `sharesPrompt`: the item rides on a call an earlier item's add() counted
   * (translation-set.ts): its answer counts, its prompt only by perSharingItemTokens.
   */
  add(sourceText: string, options?: { readonly sharesPrompt?: boolean }): void;
  /** Items added (each one answer). */
  readonly calls: number;
  /** Characters per token of the exactly counted sample (the default before any). */
  readonly charsPerToken: number;
  estimate(): TokenEstimate;
}

export function createRunTokenTally(
  profile: TokenProfile,
  options: { readonly exactSample?: { readonly first: number; readonly thenEvery: number } } = {},
): RunTokenTally {
  const { first, thenEvery } = options.exactSample ?? DEFAULT_EXACT_SAMPLE;
  let calls = 0;
  let exactTokens = 0;
  let scaledChars = 0;
  // Of those, the items whose prompt another item's call carried.
  let sharing = 0;
  let sharingExactTokens = 0;
  let sharingScaledChars = 0;
  // The ratio comes from the every-nth sample once there is one: the head is not a fair sample.
  const head = { chars: 0, tokens: 0 };
  const spread = { chars: 0, tokens: 0 };
  const charsPerToken = () => {
    const basis = spread.tokens > 0 ? spread : head;
    return basis.tokens > 0 ? basis.chars / basis.tokens : MEASURED_CHARS_PER_TOKEN;
  };
  return {
    add(sourceText, options = {}) {
      calls += 1;
      if (options.sharesPrompt) sharing += 1;
      const sample = calls <= first ? head : (calls - first) % thenEvery === 0 ? spread : undefined;
      if (sample) {
        const tokens = countTextTokens(sourceText);
        sample.chars += sourceText.length;
        sample.tokens += tokens;
        exactTokens += tokens;
        if (options.sharesPrompt) sharingExactTokens += tokens;
      } else {
        scaledChars += sourceText.length;
        if (options.sharesPrompt) sharingScaledChars += sourceText.length;
      }
    },
    get calls() {
      return calls;
    },
    get charsPerToken() {
      return charsPerToken();
    },
    estimate() {
      const ratio = charsPerToken();
      const sourceTokens = exactTokens + Math.ceil(scaledChars / ratio);
      const sharingTokens = sharingExactTokens + Math.ceil(sharingScaledChars / ratio);
      const all = estimateFromSourceTokens(profile, calls, sourceTokens);
      const prompts = estimateFromSourceTokens(
        profile,
        calls - sharing,
        sourceTokens - sharingTokens,
      );
      return {
        promptTokens: prompts.promptTokens + sharing * (profile.perSharingItemTokens ?? 0),
        completionTokens: all.completionTokens,
      };
    },
  };
}

/** max_tokens for a text answer: room for the whole text (times `factor`) plus headroom. */
export function completionTokenBudget(text: string, factor = 1.3): number {
  return Math.max(256, Math.ceil(countTextTokens(text) * factor) + 200);
}

function estimateFromSourceTokens(
  profile: TokenProfile,
  calls: number,
  sourceTokens: number,
): TokenEstimate {
  const completionTokens =
    "tokensPerCall" in profile.completion
      ? calls * profile.completion.tokensPerCall
      : Math.ceil(sourceTokens * profile.completion.perSourceToken);
  const promptTokens =
    calls * profile.promptOverheadTokens + Math.ceil(sourceTokens * (profile.sourceCopies ?? 1));
  return { promptTokens, completionTokens };
}
