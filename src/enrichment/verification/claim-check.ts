// The verification pass (issue 14, LLM_VERIFY): after an output passed every deterministic
// guard, one more call judges each of its claims against the listing. An unsupported or
// contradicted claim fails the output with that claim as the reason (the re-ask carries it);
// a verification that fails or cannot be read fails the output too — never a silent pass.
// Verdicts are cached by (listing, claims, prompt version, model).
import { z } from "zod";
import type { Config, ProcessingType } from "../../config.js";
import { LlmError } from "../../errors.js";
import { cacheKey } from "../cache-key.js";
import type { EnrichmentDeps } from "../enrichment-deps.js";
import { parseModelJson } from "../parse-model-json.js";
import { cacheHitRecord, failedCallRecord, type LlmCallRecord } from "../processing-outcome.js";
import {
  CLAIM_CHECK_PROMPT_VERSION,
  claimCheckMessages,
  readVerdict,
} from "../prompts/claim-check-prompt.js";
import type { OutputClaim } from "./output-claims.js";

/** The cache's and the call log's name for verification calls. */
export const CLAIM_CHECK = "claim_check";

export type VerificationResult =
  | { readonly kind: "passed"; readonly claims: number }
  | { readonly kind: "failed"; readonly reasons: readonly string[] }
  | { readonly kind: "error"; readonly reason: string };

/** Whether LLM_VERIFY asks for a verification of this type's outputs. */
export function verificationApplies(config: Config, type: ProcessingType): boolean {
  return (
    config.verify.mode === "all" || (config.verify.mode === "profiles" && type === "dog_profiler")
  );
}

/** What the guarded completion's cache key must know: another setting, another answer. */
export function verificationSetting(config: Config, type: ProcessingType): string {
  return verificationApplies(config, type)
    ? `${CLAIM_CHECK_PROMPT_VERSION}:${verifierModel(config)}`
    : "off";
}

export function verifierModel(config: Config): string {
  return config.verify.model ?? config.llm.defaultModel;
}

/** The answer: a verdict (with its reason) by claim number. */
const verdictsSchema = z.record(z.string(), z.string().max(600));

export interface ClaimCheckInput {
  /** The text the output was written from, as the model saw it. */
  readonly source: string;
  readonly claims: readonly OutputClaim[];
  /** How the output is named in reasons ("the profile"). */
  readonly outputName: string;
  readonly signal?: AbortSignal | undefined;
}

/** Room for one short verdict per claim, and a reason for a few of them. */
function verdictTokenBudget(claims: number): number {
  return 120 + claims * 30;
}

export async function checkClaims(
  deps: EnrichmentDeps,
  input: ClaimCheckInput,
): Promise<{ result: VerificationResult; calls: LlmCallRecord[] }> {
  const calls: LlmCallRecord[] = [];
  if (input.claims.length === 0) return { result: { kind: "passed", claims: 0 }, calls };
  const model = verifierModel(deps.config);
  const messages = claimCheckMessages(input.source, input.claims);
  const key = cacheKey({
    processingType: CLAIM_CHECK,
    promptVersion: CLAIM_CHECK_PROMPT_VERSION,
    model,
    temperature: 0,
    input: messages,
  });

  const compute = async (): Promise<{ value: VerificationResult; cacheable: boolean }> => {
    const started = performance.now();
    const unreadable = (reason: string, error: LlmError, base: Partial<LlmCallRecord>) => {
      calls.push({
        ...failedCallRecord(model, started, error, reason),
        ...base,
        callKind: "verification",
      });
      return { value: { kind: "error", reason } as const, cacheable: false };
    };
    let response;
    try {
      response = await deps.llm.complete({
        messages,
        temperature: 0,
        model,
        maxTokens: verdictTokenBudget(input.claims.length),
        responseFormat: { type: "json_object" },
        ...(input.signal ? { signal: input.signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof LlmError)) throw error;
      if (error.fatalForRun) throw error;
      return unreadable(
        `the verification call failed (${error.category}): ${error.message}`,
        error,
        {},
      );
    }
    const served = {
      model: response.model,
      promptTokens: response.promptTokens,
      completionTokens: response.completionTokens,
      costUsd: response.costUsd,
      latencyMs: response.latencyMs,
      attempts: response.attempts,
      ...(response.providerBatchId !== undefined && { providerBatchId: response.providerBatchId }),
    };
    const parsed =
      response.finishReason === "length"
        ? { ok: false as const, reasons: ["the verdicts were cut off (finish_reason length)"] }
        : parseModelJson(response.content, verdictsSchema);
    if (!parsed.ok) {
      const reason = `the verification answer could not be read: ${parsed.reasons.join("; ")}`;
      return unreadable(reason, new LlmError("invalid_response", reason), served);
    }
    const byId = new Map<number, NonNullable<ReturnType<typeof readVerdict>>>();
    for (const [id, answer] of Object.entries(parsed.value)) {
      const verdict = readVerdict(answer);
      if (verdict !== undefined) byId.set(Number(id.trim()), verdict);
    }
    const missing = input.claims.map((_, i) => i + 1).filter((id) => !byId.has(id));
    if (missing.length > 0) {
      const reason = `the verification gave no readable verdict for claim(s) ${missing.join(", ")} of ${input.claims.length}`;
      return unreadable(reason, new LlmError("invalid_response", reason), served);
    }
    const reasons = input.claims.flatMap((claim, i) => {
      const verdict = byId.get(i + 1)!;
      if (verdict.verdict === "supported") return [];
      const why = verdict.reason ? ` (${verdict.reason.trim()})` : "";
      const judged = verdict.verdict === "contradicted" ? "contradicts" : "does not state";
      return [
        `verification: the ${input.outputName}'s ${claim.field} claim "${claim.text}" is ${verdict.verdict} — the listing ${judged} it${why}`,
      ];
    });
    calls.push({
      ...served,
      cacheHit: false,
      status: reasons.length === 0 ? "accepted" : "rejected",
      ...(reasons.length > 0 && { reasons }),
      callKind: "verification",
    });
    const value: VerificationResult =
      reasons.length === 0
        ? { kind: "passed", claims: input.claims.length }
        : { kind: "failed", reasons };
    return { value, cacheable: true };
  };

  const { value, hit } = await deps.cache.getOrCompute(key, compute, {
    processingType: CLAIM_CHECK,
    model,
  });
  if (hit && calls.length === 0) {
    calls.push({
      ...cacheHitRecord(model, value.kind === "passed" ? "accepted" : "rejected"),
      callKind: "verification",
    });
  }
  return { result: value, calls };
}
