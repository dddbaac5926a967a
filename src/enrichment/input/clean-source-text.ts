// The one place raw listing text becomes the text every processing type sees.
import { htmlToPlainText } from "./html-to-plain-text.js";
import { normalizeWhitespace } from "./normalize-whitespace.js";
import { removeInvisibleCharacters } from "./remove-invisible-characters.js";
import { repairMojibake } from "./repair-mojibake.js";

export function cleanSourceText(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return "";
  // Mojibake first: it is a byte-level accident that predates any markup or entities.
  const repaired = repairMojibake(raw.normalize("NFC"));
  const text = repairMojibake(htmlToPlainText(repaired));
  return normalizeWhitespace(removeInvisibleCharacters(text)).normalize("NFC");
}
