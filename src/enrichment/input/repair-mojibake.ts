// Repairs UTF-8 text that was once decoded as Windows-1252 or Latin-1 ("heâ€™s" → "he’s").
// No maintained npm library does this narrowly (ftfy is Python-only), so: find sequences that
// are exactly the Windows-1252/Latin-1 spelling of a valid UTF-8 multi-byte character and decode
// them back. Anything that does not decode as strict UTF-8 is left untouched.

/** Windows-1252 characters at bytes 0x80–0x9F (the rest of 0x80–0xFF is Latin-1 itself). */
const CP1252_HIGH: Readonly<Record<number, string>> = {
  0x80: "€",
  0x82: "‚",
  0x83: "ƒ",
  0x84: "„",
  0x85: "…",
  0x86: "†",
  0x87: "‡",
  0x88: "ˆ",
  0x89: "‰",
  0x8a: "Š",
  0x8b: "‹",
  0x8c: "Œ",
  0x8e: "Ž",
  0x91: "‘",
  0x92: "’",
  0x93: "“",
  0x94: "”",
  0x95: "•",
  0x96: "–",
  0x97: "—",
  0x98: "˜",
  0x99: "™",
  0x9a: "š",
  0x9b: "›",
  0x9c: "œ",
  0x9e: "ž",
  0x9f: "Ÿ",
};

const BYTE_OF = new Map<string, number>();
for (let byte = 0x80; byte <= 0xff; byte++) BYTE_OF.set(String.fromCharCode(byte), byte);
for (const [byte, char] of Object.entries(CP1252_HIGH)) BYTE_OF.set(char, Number(byte));

const CP1252_CONTINUATION = Object.entries(CP1252_HIGH)
  .filter(([byte]) => Number(byte) <= 0xbf)
  .map(([, char]) => char)
  .join("");
// A continuation byte (0x80–0xBF) as it looks after the wrong decoding.
const CONT = `[\\u0080-\\u00bf${CP1252_CONTINUATION}]`;
const MOJIBAKE = new RegExp(
  `[\\u00c2-\\u00df]${CONT}|[\\u00e0-\\u00ef]${CONT}{2}|[\\u00f0-\\u00f4]${CONT}{3}`,
  "gu",
);

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export function repairMojibake(text: string): string {
  // Text may have been mis-decoded twice ("Ã¢â‚¬â„¢"); a few passes undo that.
  let current = text;
  for (let pass = 0; pass < 3; pass++) {
    const next = current.replace(MOJIBAKE, decodeSequence);
    if (next === current) return next;
    current = next;
  }
  return current;
}

function decodeSequence(sequence: string): string {
  const bytes: number[] = [];
  for (const char of sequence) {
    const byte = BYTE_OF.get(char);
    if (byte === undefined) return sequence;
    bytes.push(byte);
  }
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    return sequence;
  }
}
