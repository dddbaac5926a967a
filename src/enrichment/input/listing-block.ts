// The listing travels to the model as delimited data, never as instructions: facts inside
// <facts>…</facts>, the narrative inside <listing>…</listing> (and, for the verification pass,
// the claims inside <claims>…</claims>). Any such tag inside the text
// itself is neutralised so a description cannot close the block and speak as the prompt.

export const LISTING_OPEN = "<listing>";
export const LISTING_CLOSE = "</listing>";
export const FACTS_OPEN = "<facts>";
export const FACTS_CLOSE = "</facts>";

const ROLE_TAG =
  /<\s*(\/?)\s*(listing|facts|claims|system|user|assistant|instructions?|prompt)\b[^>]*>/gi;

/** Replaces delimiter-like tags in untrusted text with look-alike brackets. */
export function neutraliseDelimiters(text: string): string {
  return text.replace(ROLE_TAG, (_tag, slash: string, name: string) => `‹${slash}${name}›`);
}

export function listingBlock(text: string): string {
  return `${LISTING_OPEN}\n${neutraliseDelimiters(text)}\n${LISTING_CLOSE}`;
}

export function factsBlock(facts: ReadonlyArray<readonly [string, string]>): string {
  if (facts.length === 0) return "";
  const lines = facts.map(([key, value]) => `${key}: ${neutraliseDelimiters(value)}`);
  return `${FACTS_OPEN}\n${lines.join("\n")}\n${FACTS_CLOSE}`;
}

/** The text between the first pair of `open`/`close` tags, or undefined. */
export function extractBlock(content: string, open: string, close: string): string | undefined {
  const start = content.indexOf(open);
  if (start < 0) return undefined;
  const end = content.indexOf(close, start + open.length);
  if (end < 0) return undefined;
  return content
    .slice(start + open.length, end)
    .replace(/^\n/, "")
    .replace(/\n$/, "");
}
