// The loop all three processing types share: ask through the cache, check the answer (the
// deterministic guards, then the verification pass where LLM_VERIFY asks for it), re-ask once
// with the reasons, then give up with them. An answer may also decline (the source gives the
// model nothing to write from): the item is then skipped at once, with no re-ask and no
// verification. Only an answer that passed, or declined, is cached.
// A cached answer costs no language detection and no token count: the key stands in for the
// detected language (see GuardedTask.messages), and max_tokens is counted only for a call.
import type { ProcessingType } from "../config.js";
import { LlmError } from "../errors.js";
import { cacheKey } from "./cache-key.js";
import type { EnrichmentDeps } from "./enrichment-deps.js";
import { LANGUAGE_DETECTOR_ID } from "./input/detect-language.js";
import type { ChatMessage, LlmResponse, ResponseFormat } from "./llm-client.js";
import {
  cacheHitRecord,
  failedCallRecord,
  type LlmCallRecord,
  type ProcessingOutcome,
} from "./processing-outcome.js";
import { reaskMessage } from "./prompts/reask-message.js";
import type { SkipReason } from "./skip-reason.js";
import {
  checkClaims,
  verificationApplies,
  verificationSetting,
} from "./verification/claim-check.js";
import type { OutputClaim } from "./verification/output-claims.js";

export type CheckedAnswer<V> =
  | { readonly ok: true; readonly value: V; readonly flags: readonly string[] }
  | { readonly ok: false; readonly reasons: readonly string[] }
  | { readonly ok: false; readonly declined: DeclinedAnswer };

/** A model's well-formed answer that it has nothing to write from: the item is skipped. */
export interface DeclinedAnswer {
  readonly code: SkipReason;
  /** For people: why, with the model's words. */
  readonly reason: string;
}

export interface GuardedTask<V> {
  readonly processingType: ProcessingType;
  readonly promptVersion: string;
  /** A prompt variant's settings; absent = the configured temperature and default model. */
  readonly temperature?: number | null | undefined;
  readonly model?: string | null | undefined;
  readonly targetLanguage?: string;
  /**
   * The prompt for the source's language. The cache key is taken over the prompt built with
   * SOURCE_LANGUAGE_PLACEHOLDER instead: the detected language follows from the source text in
   * the prompt and the detector (LANGUAGE_DETECTOR_ID, also in the key), so a hit needs none.
   */
  messages(sourceLanguage: string | undefined): readonly ChatMessage[];
  /** The source's language (detected, or given); read only when a call is made. */
  sourceLanguage(): string | undefined;
  /** max_tokens; counted only when a call is made. */
  maxTokens(): number;
  readonly responseFormat?: ResponseFormat;
  readonly signal?: AbortSignal | undefined;
  /**
   * The first round's answer from a call shared with sibling items (translate-text.ts), instead
   * of a call of this task's own with messages().
   */
  readonly firstAnswer?: () => Promise<FirstAnswer>;
  /** The prompt a re-ask continues; default messages(). A shared first answer's is this item's own. */
  reaskPrompt?(sourceLanguage: string | undefined): readonly ChatMessage[];
  /** Parses and guards one answer's content. Pure. */
  check(content: string): CheckedAnswer<V>;
  /** What the verification pass judges an accepted value against (used when LLM_VERIFY asks). */
  readonly verification: {
    /** The text the output was written from. */
    readonly source: string;
    readonly outputName: string;
    claims(value: V): readonly OutputClaim[];
  };
}

/**
 * A first answer from a shared call: its content for this item. `shared` = a sibling made the
 * call and logs its tokens; this item's round then counts as answered without a call.
 */
export interface FirstAnswer {
  readonly response: LlmResponse | LlmError;
  readonly shared: boolean;
  /** Why the shared answer holds nothing for this item (e.g. its language is missing). */
  readonly reasons?: readonly string[];
}

/** Stands in for the detected source language in the prompt the cache key is taken over. */
export const SOURCE_LANGUAGE_PLACEHOLDER = "{source language}";

type CachedAnswer<V> =
  | {
      readonly ok: true;
      readonly value: V;
      readonly model: string;
      readonly flags: readonly string[];
      /** The source's language when it was answered (absent: undetectable). */
      readonly sourceLanguage?: string;
    }
  | { readonly ok: false; readonly reasons: readonly string[] }
  | {
      readonly ok: false;
      readonly declined: DeclinedAnswer;
      readonly model: string;
      readonly flags: readonly string[];
      readonly sourceLanguage?: string;
    };

export async function runGuardedCompletion<V>(
  deps: EnrichmentDeps,
  task: GuardedTask<V>,
): Promise<ProcessingOutcome<V>> {
  const { config } = deps;
  const temperature = task.temperature ?? config.llm.temperatures[task.processingType];
  const requestedModel = task.model ?? config.llm.defaultModel;
  const verify = verificationApplies(config, task.processingType);
  const key = cacheKey({
    processingType: task.processingType,
    promptVersion: task.promptVersion,
    model: requestedModel,
    temperature,
    targetLanguage: task.targetLanguage,
    // The whole prompt: prepared input, organization overrides and instructions alike — and
    // whether (and how) an accepted answer was verified: an unverified one is no verified one.
    input: {
      messages: task.messages(SOURCE_LANGUAGE_PLACEHOLDER),
      languageDetector: LANGUAGE_DETECTOR_ID,
      verification: verificationSetting(config, task.processingType),
    },
  });
  const calls: LlmCallRecord[] = [];

  const ask = async (messages: readonly ChatMessage[]): Promise<LlmResponse | LlmError> => {
    const started = performance.now();
    try {
      return await deps.llm.complete({
        messages,
        temperature,
        ...(task.model ? { model: task.model } : {}),
        maxTokens: task.maxTokens(),
        ...(task.responseFormat ? { responseFormat: task.responseFormat } : {}),
        ...(task.signal ? { signal: task.signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof LlmError)) throw error;
      calls.push(failedCallRecord(requestedModel, started, error));
      // A bad key or an empty account fails every further item: stop the run.
      if (error.fatalForRun) throw error;
      return error;
    }
  };

  /**
   * The shared first answer. A sibling's call is no call of this item's: no tokens, no row of its
   * own. A sibling's failed call is not this item's failure: it then asks on its own.
   */
  const takeFirstAnswer = async (
    firstAnswer: () => Promise<FirstAnswer>,
    own: () => readonly ChatMessage[],
  ): Promise<FirstAnswer> => {
    const started = performance.now();
    const first = await firstAnswer();
    const { response, shared } = first;
    if (!(response instanceof LlmError)) return first;
    if (shared) return { response: await ask(own()), shared: false };
    calls.push(failedCallRecord(requestedModel, started, response));
    if (response.fatalForRun) throw response;
    return { response, shared };
  };

  const compute = async (): Promise<{ value: CachedAnswer<V>; cacheable: boolean }> => {
    const sourceLanguage = task.sourceLanguage();
    const prompt = task.messages(sourceLanguage);
    let messages = prompt;
    let reasons: readonly string[] = [];
    for (let round = 1; round <= 2; round++) {
      const first =
        round === 1 && task.firstAnswer
          ? await takeFirstAnswer(
              task.firstAnswer,
              () => task.reaskPrompt?.(sourceLanguage) ?? prompt,
            )
          : undefined;
      const response = first ? first.response : await ask(messages);
      const shared = first?.shared === true;
      if (response instanceof LlmError) {
        return {
          value: {
            ok: false,
            reasons: [`LLM call failed (${response.category}): ${response.message}`],
          },
          cacheable: false,
        };
      }
      const answer: CheckedAnswer<V> = first?.reasons
        ? { ok: false, reasons: first.reasons }
        : response.finishReason === "length"
          ? { ok: false, reasons: ["the answer was cut off (finish_reason length)"] }
          : task.check(response.content);
      const answered = {
        model: response.model,
        promptTokens: shared ? 0 : response.promptTokens,
        completionTokens: shared ? 0 : response.completionTokens,
        costUsd: shared ? 0 : response.costUsd,
        latencyMs: shared ? 0 : response.latencyMs,
        cacheHit: shared,
        attempts: response.attempts,
        ...(response.providerBatchId !== undefined &&
          !shared && {
            providerBatchId: response.providerBatchId,
          }),
      };
      if (!answer.ok && "declined" in answer) {
        // Nothing to verify and nothing to re-ask: asking again would only invite invention.
        calls.push({ ...answered, status: "declined", reasons: [answer.declined.reason] });
        return {
          value: {
            ok: false,
            declined: answer.declined,
            model: response.model,
            flags: round === 1 ? [] : ["reasked"],
            ...(sourceLanguage !== undefined && { sourceLanguage }),
          },
          cacheable: true,
        };
      }
      let checked = answer;
      const at = calls.length;
      const record: LlmCallRecord = {
        ...answered,
        status: checked.ok ? "accepted" : "rejected",
        ...(checked.ok ? {} : { reasons: checked.reasons }),
      };
      calls.push(record);
      let verified = false;
      if (checked.ok && verify) {
        const verification = await checkClaims(deps, {
          source: task.verification.source,
          claims: task.verification.claims(checked.value),
          outputName: task.verification.outputName,
          signal: task.signal,
        });
        calls.push(...verification.calls);
        const { result } = verification;
        if (result.kind === "error") {
          // Not the output's fault, and no verdict on it: the item fails, to be tried again.
          return { value: { ok: false, reasons: [result.reason] }, cacheable: false };
        }
        if (result.kind === "failed") {
          checked = { ok: false, reasons: result.reasons };
          calls[at] = { ...record, status: "rejected", reasons: result.reasons };
        } else verified = true;
      }
      if (checked.ok) {
        const noted = verified ? [...checked.flags, "verified"] : checked.flags;
        const flags = round === 1 ? noted : [...noted, "reasked"];
        return {
          value: {
            ok: true,
            value: checked.value,
            model: response.model,
            flags,
            ...(sourceLanguage !== undefined && { sourceLanguage }),
          },
          cacheable: true,
        };
      }
      reasons = checked.reasons;
      deps.logger?.debug(
        { processingType: task.processingType, round, reasons },
        "LLM answer failed its checks",
      );
      messages = [
        ...(task.reaskPrompt?.(sourceLanguage) ?? prompt),
        { role: "assistant", content: response.content },
        { role: "user", content: reaskMessage(reasons) },
      ];
    }
    return { value: { ok: false, reasons }, cacheable: false };
  };

  const { value, hit } = await deps.cache.getOrCompute(key, compute, {
    processingType: task.processingType,
    model: requestedModel,
  });
  if (!value.ok && "declined" in value) {
    return {
      status: "skipped",
      code: value.declined.code,
      reason: value.declined.reason,
      flags: value.flags,
      calls: hit && calls.length === 0 ? [cacheHitRecord(value.model, "declined")] : calls,
      sourceLanguage: value.sourceLanguage,
    };
  }
  if (!value.ok) {
    deps.logger?.warn(
      { processingType: task.processingType, reasons: value.reasons },
      "LLM processing failed",
    );
    return {
      status: "failed",
      reasons: value.reasons,
      calls,
      promptVersion: task.promptVersion,
      sourceLanguage: task.sourceLanguage(),
    };
  }
  return {
    status: "succeeded",
    value: value.value,
    model: value.model,
    flags: value.flags,
    calls: hit && calls.length === 0 ? [cacheHitRecord(value.model)] : calls,
    promptVersion: task.promptVersion,
    sourceLanguage: value.sourceLanguage,
  };
}
