// The chat-completion body and `usage` the fake answers with, synchronously and inside batch
// results: token counts from the real tokenizer, cost from the model's price.
import { countChatTokens, countTextTokens } from "../../enrichment/count-tokens.js";
import type { FakeTokenPrices } from "./fake-model-catalog.js";

export interface FakeCompletion {
  readonly body: { choices: Record<string, unknown>[] } & Record<string, unknown>;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
}

/** Prompt tokens of a chat request: its messages with chat framing, plus a response_format schema. */
export function promptTokensOf(body: Record<string, unknown>): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const text = messages.map((m) => {
    const message = (typeof m === "object" && m !== null ? m : {}) as Record<string, unknown>;
    return {
      role: typeof message.role === "string" ? message.role : "user",
      content:
        typeof message.content === "string"
          ? message.content
          : JSON.stringify(message.content ?? ""),
    };
  });
  const schema = body.response_format === undefined ? "" : JSON.stringify(body.response_format);
  return countChatTokens(text) + countTextTokens(schema);
}

export function completionBody(options: {
  readonly model: string;
  readonly content: string;
  readonly finishReason: string;
  readonly promptTokens: number;
  readonly prices: FakeTokenPrices;
  /** Generation id prefix: "gen" (sync) or "gen-batch". */
  readonly idPrefix?: string;
  /** Whether `usage.cost` is part of the body (sync answers; batch results carry tokens only). */
  readonly includeCost?: boolean;
}): FakeCompletion {
  const completionTokens = countTextTokens(options.content);
  const costUsd =
    options.promptTokens * options.prices.promptUsdPerToken +
    completionTokens * options.prices.completionUsdPerToken;
  const usage: Record<string, unknown> = {
    prompt_tokens: options.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: options.promptTokens + completionTokens,
  };
  if (options.includeCost ?? true) {
    Object.assign(usage, {
      cost: costUsd,
      is_byok: false,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  }
  return {
    body: {
      id: generationId(options.idPrefix ?? "gen"),
      provider: "Fake",
      model: options.model,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      choices: [
        {
          index: 0,
          logprobs: null,
          finish_reason: options.finishReason,
          native_finish_reason: options.finishReason,
          message: { role: "assistant", content: options.content, refusal: null },
        },
      ],
      usage,
    },
    promptTokens: options.promptTokens,
    completionTokens,
    costUsd,
  };
}

export function generationId(prefix = "gen"): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
}
