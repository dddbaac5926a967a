// Token counts with a real BPE tokenizer (gpt-tokenizer, o200k_base: the encoding of
// OpenAI's current models, which OpenRouter's cheap defaults mostly are). Other providers'
// tokenizers differ by a few percent; this is far closer than characters / 4, which is off by
// ±30% between English, German and markup-heavy listings.
//
// The encoding's rank table takes about half a second to load, so it is loaded on the first
// count (synchronously, through the package's CommonJS build) rather than at import: commands
// that never count (stats, import, migrate) do not pay for it.
import { createRequire } from "node:module";
import type * as O200kBase from "gpt-tokenizer/encoding/o200k_base";

type Tokenizer = Pick<typeof O200kBase, "countTokens">;

let tokenizer: Tokenizer | undefined;

function loadTokenizer(): Tokenizer {
  tokenizer ??= createRequire(import.meta.url)(
    "gpt-tokenizer/cjs/encoding/o200k_base",
  ) as Tokenizer;
  return tokenizer;
}

/**
 * Loads the encoding now rather than on the first count. The load blocks the event loop for
 * about half a second; a server that counts (the fake OpenRouter) pays it before it listens,
 * not in the middle of a client's deadline.
 */
export function preloadTokenizer(): void {
  loadTokenizer();
}

// Listing text is untrusted: a literal "<|endoftext|>" in it is text, not a control token
// (the library's default would throw on it).
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens of `text` in the o200k_base encoding. */
export function countTextTokens(text: string): number {
  if (text === "") return 0;
  return loadTokenizer().countTokens(text, PLAIN_TEXT);
}

/**
 * Chat framing OpenAI documents for its chat models: about 3 tokens per message for the role
 * and separators, and 3 that prime the reply.
 */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PRIMING_REPLY = 3;

/** Prompt tokens of a chat request's messages, framing included. */
export function countChatTokens(
  messages: readonly { readonly role: string; readonly content: string }[],
): number {
  let total = TOKENS_PRIMING_REPLY;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.role) + countTextTokens(message.content);
  }
  return total;
}
