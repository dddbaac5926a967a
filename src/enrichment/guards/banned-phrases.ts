// Clichés that make every rescue profile read the same; organizations add their own.
import { normalizeForMatch } from "./normalized-match.js";

export const DEFAULT_BANNED_PHRASES: readonly string[] = [
  "fur-ever",
  "furever",
  "forever home",
  "fur baby",
  "furbaby",
  "pawfect",
  "pawsome",
  "bundle of joy",
  "ball of fluff",
  "four-legged friend",
  "heart of gold",
  "one in a million",
  "diamond in the rough",
  "won't last long",
  "look no further",
  "love at first sight",
  "best friend you've been waiting for",
];

/** Reasons for each banned phrase found in `text` (matched case- and punctuation-insensitively). */
export function bannedPhraseReasons(
  field: string,
  text: string,
  phrases: readonly string[],
): string[] {
  const haystack = ` ${normalizeForMatch(text)} `;
  return phrases.flatMap((phrase) => {
    const needle = normalizeForMatch(phrase);
    return needle.length > 0 && haystack.includes(` ${needle} `)
      ? [`${field} uses the banned phrase "${phrase}"`]
      : [];
  });
}
