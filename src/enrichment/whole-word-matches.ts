// Whole-word matches of a pattern, with the word boundary before each match checked here
// rather than by a leading lookbehind: a pattern that opens with a lookbehind is tried at
// every offset of the text, one that opens with its words is found by a fast literal scan
// (CPU profile of issue 15: the fact and name patterns were a quarter of our CPU per item).
// The boundary after a match stays in the pattern (`(?![\p{L}\p{N}])`), where the pattern
// can match in more than one way at a position (an alternation may find a longer word); for a
// literal it can be checked here too (`literal`), which spares the pattern its letter class:
// V8 compiles each [\p{L}\p{N}] into a table of Unicode ranges, about a millisecond a pattern.

const WORD_CHAR_BEFORE = /[\p{L}\p{N}]$/u;
const WORD_CHAR_AFTER = /^[\p{L}\p{N}]/u;

/**
 * The matches of global `regex` in `text` that no letter or digit precedes, exactly those
 * that `(?<![\p{L}\p{N}])` in front of the pattern would find. `regex` must have the g flag.
 * `literal`: `regex` matches one way at any position (an escaped string), and no letter or
 * digit may follow a match either, as `(?![\p{L}\p{N}])` after it would require.
 */
export function* wholeWordMatches(
  regex: RegExp,
  text: string,
  options: { readonly literal?: boolean } = {},
): Generator<RegExpExecArray> {
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    // Two code units back (and on), so that a letter outside the BMP counts as one.
    if (
      WORD_CHAR_BEFORE.test(text.slice(Math.max(0, start - 2), start)) ||
      (options.literal === true && WORD_CHAR_AFTER.test(text.slice(end, end + 2)))
    ) {
      // As the lookbehind would: the next try starts one code point on, not past this match.
      regex.lastIndex = start + (text.codePointAt(start)! > 0xffff ? 2 : 1);
      continue;
    }
    if (m[0].length === 0) regex.lastIndex = start + (text.codePointAt(start)! > 0xffff ? 2 : 1);
    yield m;
  }
}
