// Invisible characters hide text from people but not from models (and break exact matching of
// evidence quotes), so they go: zero-width, BiDi controls, soft hyphens, BOMs, C0/C1 controls,
// tag characters and variation selectors used to smuggle hidden text.
//
// Three of them are also parts of emoji, and there they stay: a zero-width joiner between two
// parts of one grapheme cluster (the family emoji is man, ZWJ, woman, ZWJ, girl, ZWJ, boy), one
// variation selector right after an emoji or a non-ASCII base (the red heart is U+2764 U+FE0F;
// keycap one is 1 U+FE0F U+20E3), and the tag characters of a subdivision flag (Scotland).
// Intl.Segmenter knows the clusters (UAX #29); it is asked only about text that holds them.

const INVISIBLE =
  // Control and combining characters are listed on purpose: they are what we strip.
  // eslint-disable-next-line no-control-regex, no-misleading-character-class
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u{e0001}\u{e0020}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;
/** Invisible characters that can belong to an emoji. */
// eslint-disable-next-line no-misleading-character-class
const EMOJI_PART = /[\u200d\ufe00-\ufe0f\u{e0020}-\u{e007f}\u{e0100}-\u{e01ef}]/u;
const EMOJI = /[\p{Extended_Pictographic}\u20e3]/u;
// eslint-disable-next-line no-misleading-character-class -- the same class as INVISIBLE
const INVISIBLE_CHARACTER = new RegExp(INVISIBLE.source, "u");

const ZWJ = 0x200d;
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export function removeInvisibleCharacters(text: string): string {
  if (!EMOJI_PART.test(text)) return text.replace(INVISIBLE, "");
  // Only the clusters around invisible characters are looked at (walking every cluster of a
  // listing cost milliseconds); the text between them has none and is copied as it is.
  const segments = graphemes.segment(text);
  let out = "";
  let copiedTo = 0;
  for (const { index: at } of text.matchAll(INVISIBLE)) {
    if (at < copiedTo) continue; // inside the cluster just handled
    const cluster = segments.containing(at);
    if (cluster === undefined) break;
    out += text.slice(copiedTo, cluster.index) + keepEmojiParts(cluster.segment);
    copiedTo = cluster.index + cluster.segment.length;
  }
  return out + text.slice(copiedTo);
}

/** One grapheme cluster holding an invisible character: keeps only what makes up an emoji. */
function keepEmojiParts(cluster: string): string {
  const points = Array.from(cluster, (c) => c.codePointAt(0) as number);
  const hasEmoji = EMOJI.test(cluster);
  const flag = isSubdivisionFlag(points);
  let out = "";
  points.forEach((point, i) => {
    const char = String.fromCodePoint(point);
    if (!isInvisible(char)) {
      out += char;
      return;
    }
    const before = points[i - 1];
    const after = points[i + 1];
    const visibleBefore = before !== undefined && !isInvisible(String.fromCodePoint(before));
    const visibleAfter = after !== undefined && !isInvisible(String.fromCodePoint(after));
    // A joiner the segmenter keeps inside a cluster joins two parts (emoji, Indic conjuncts);
    // a leading or trailing one joins nothing. (What it follows may be a kept selector.)
    const keep =
      point === ZWJ
        ? out !== "" && visibleAfter
        : isVariationSelector(point)
          ? visibleBefore && (hasEmoji || (before ?? 0) > 0x7f)
          : isTag(point) && flag;
    if (keep) out += char;
  });
  return out;
}

function isInvisible(text: string): boolean {
  return INVISIBLE_CHARACTER.test(text);
}

function isVariationSelector(point: number): boolean {
  return (point >= 0xfe00 && point <= 0xfe0f) || (point >= 0xe0100 && point <= 0xe01ef);
}

function isTag(point: number): boolean {
  return point >= 0xe0020 && point <= CANCEL_TAG;
}

/** 🏴 followed by tag letters and a cancel tag (England, Scotland, Wales). */
function isSubdivisionFlag(points: readonly number[]): boolean {
  return (
    points.length >= 3 &&
    points[0] === BLACK_FLAG &&
    points[points.length - 1] === CANCEL_TAG &&
    points.slice(1, -1).every((p) => p >= 0xe0020 && p < CANCEL_TAG)
  );
}
