// The one place raw listing text becomes the text every processing type sees.
import { LRUCache } from "lru-cache";
import { htmlToPlainText } from "./html-to-plain-text.js";
import { normalizeWhitespace } from "./normalize-whitespace.js";
import { removeInvisibleCharacters } from "./remove-invisible-characters.js";
import { repairMojibake } from "./repair-mojibake.js";

// Prompts, guards and the fake model clean the same listings many times over; it is pure.
const recent = new LRUCache<string, string>({ max: 2000 });

export function cleanSourceText(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return "";
  const known = recent.get(raw);
  if (known !== undefined) return known;
  const cleaned = cleanUncached(raw);
  recent.set(raw, cleaned);
  return cleaned;
}

function cleanUncached(raw: string): string {
  // Mojibake first: it is a byte-level accident that predates any markup or entities (and its
  // C1 "characters" are bytes to decode, not controls to drop). Invisible characters go before
  // the HTML step, which would turn a zero-width space into a real one, and again after it,
  // for entities such as &#8203;.
  const repaired = removeInvisibleCharacters(repairMojibake(raw.normalize("NFC")));
  const text = removeInvisibleCharacters(repairMojibake(htmlToPlainText(repaired)));
  return normalizeWhitespace(text).normalize("NFC");
}
