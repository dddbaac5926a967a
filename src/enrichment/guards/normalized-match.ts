// Evidence quotes are matched loosely on form, strictly on words: case, punctuation, quote
// styles, dashes and whitespace do not matter; the words and their order do.

export function normalizeForMatch(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Whether `quote` appears in `source`. An ellipsis in the quote ("loves walks … and naps") may
 * join fragments that appear in that order.
 */
export function quoteFoundIn(quote: string, source: string): boolean {
  const haystack = normalizeForMatch(source);
  const fragments = quote
    .split(/\.{3}|…|\[\.\.\.\]/)
    .map(normalizeForMatch)
    .filter((fragment) => fragment.length > 0);
  if (fragments.length === 0) return false;
  let from = 0;
  for (const fragment of fragments) {
    const at = findWords(haystack, fragment, from);
    if (at < 0) return false;
    from = at + fragment.length;
  }
  return true;
}

/** Index of `needle` in `haystack` starting and ending on word boundaries, or -1. */
function findWords(haystack: string, needle: string, from: number): number {
  let at = haystack.indexOf(needle, from);
  while (at >= 0) {
    const before = at === 0 || haystack[at - 1] === " ";
    const end = at + needle.length;
    const after = end === haystack.length || haystack[end] === " ";
    if (before && after) return at;
    at = haystack.indexOf(needle, at + 1);
  }
  return -1;
}
