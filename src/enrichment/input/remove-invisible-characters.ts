// Invisible characters hide text from people but not from models (and break exact matching of
// evidence quotes), so they go: zero-width, BiDi controls, soft hyphens, BOMs, C0/C1 controls.
const INVISIBLE =
  // Control and combining characters are listed on purpose: they are what we strip.
  // eslint-disable-next-line no-control-regex, no-misleading-character-class
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]/gu;

export function removeInvisibleCharacters(text: string): string {
  return text.replace(INVISIBLE, "");
}
