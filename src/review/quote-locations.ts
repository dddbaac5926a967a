// Where an evidence quote sits in the listing text, for highlighting it on the dog page. The
// match is as loose as the profile guard's (case, punctuation, quote styles, dashes and
// whitespace ignored; an ellipsis joins fragments), so what the guard accepted is found.

/** A half-open range [start, end) in the original text. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

interface Normalized {
  readonly text: string;
  /** For each char of `text`: the index in the original where it came from. */
  readonly origin: readonly number[];
}

const SEPARATOR = /[\p{P}\p{S}\s]/u;

/** normalizeForMatch (src/enrichment/guards/normalized-match.ts), keeping positions. */
function normalizeWithPositions(original: string): Normalized {
  let text = "";
  const origin: number[] = [];
  let index = 0;
  for (const char of original) {
    const mapped = char.normalize("NFKC").toLowerCase();
    for (const c of mapped) {
      if (SEPARATOR.test(c)) {
        if (text.length > 0 && !text.endsWith(" ")) {
          text += " ";
          origin.push(index);
        }
      } else {
        text += c;
        origin.push(index);
      }
    }
    index += char.length;
  }
  if (text.endsWith(" ")) {
    text = text.slice(0, -1);
    origin.pop();
  }
  return { text, origin };
}

function normalizeFragment(fragment: string): string {
  return normalizeWithPositions(fragment).text;
}

function findWords(haystack: string, needle: string, from: number): number {
  let at = haystack.indexOf(needle, from);
  while (at >= 0) {
    const end = at + needle.length;
    const before = at === 0 || haystack[at - 1] === " ";
    const after = end === haystack.length || haystack[end] === " ";
    if (before && after) return at;
    at = haystack.indexOf(needle, at + 1);
  }
  return -1;
}

/** The ranges of `quote` in `source` (one per ellipsis fragment), or [] when it is not there. */
export function locateQuote(quote: string, source: string): TextRange[] {
  const haystack = normalizeWithPositions(source);
  const fragments = quote
    .split(/\.{3}|…|\[\.\.\.\]/)
    .map(normalizeFragment)
    .filter((fragment) => fragment.length > 0);
  if (fragments.length === 0) return [];
  const ranges: TextRange[] = [];
  let from = 0;
  for (const fragment of fragments) {
    const at = findWords(haystack.text, fragment, from);
    if (at < 0) return [];
    const last = at + fragment.length - 1;
    const start = haystack.origin[at] ?? 0;
    const lastOrigin = haystack.origin[last] ?? start;
    // The last char may be a surrogate pair: take the whole code point.
    const end = lastOrigin + (source.codePointAt(lastOrigin)! > 0xffff ? 2 : 1);
    ranges.push({ start, end });
    from = at + fragment.length;
  }
  return ranges;
}

export interface HighlightSegment {
  readonly text: string;
  /** Numbers of the quotes covering this segment (1-based); empty for plain text. */
  readonly quotes: readonly number[];
  /** Numbers of the quotes that begin with this segment (where their label goes). */
  readonly starts: readonly number[];
}

/** Splits `source` into plain and highlighted segments for the given quote ranges. */
export function highlightSegments(
  source: string,
  quotes: readonly { readonly number: number; readonly ranges: readonly TextRange[] }[],
): HighlightSegment[] {
  const cuts = new Set<number>([0, source.length]);
  for (const q of quotes) {
    for (const r of q.ranges) {
      cuts.add(r.start);
      cuts.add(r.end);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: HighlightSegment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    if (end <= start) continue;
    const covering = quotes
      .filter((q) => q.ranges.some((r) => r.start <= start && r.end >= end))
      .map((q) => q.number);
    const starts = quotes
      .filter((q) => q.ranges.some((r) => r.start === start))
      .map((q) => q.number);
    const previous = segments[segments.length - 1];
    if (previous && previous.quotes.join() === covering.join() && starts.length === 0) {
      segments[segments.length - 1] = {
        ...previous,
        text: previous.text + source.slice(start, end),
      };
    } else {
      segments.push({ text: source.slice(start, end), quotes: covering, starts });
    }
  }
  return segments;
}
