// Facts a listing states in its structured fields (sex, age): an output may repeat them.
import { factKey } from "./fact-kinds.js";

export interface StructuredFactsInput {
  readonly sex?: string | undefined;
  readonly age_text?: string | undefined;
}

const MALE = /^(?:m|male|männlich|rüde|macho|mâle|boy)$/iu;
const FEMALE = /^(?:f|w|female|weiblich|hündin|hembra|femelle|girl)$/iu;

/** Keys like "sex:female" and "age:puppy" from the listing's sex and age_text fields. */
export function structuredFactKeys(input: StructuredFactsInput): string[] {
  const keys: string[] = [];
  const sex = input.sex?.trim() ?? "";
  if (MALE.test(sex)) keys.push(factKey("sex", "male"));
  if (FEMALE.test(sex)) keys.push(factKey("sex", "female"));
  const months = ageInMonths(input.age_text ?? "");
  if (months !== undefined && months < 12) keys.push(factKey("age", "puppy"));
  if (months !== undefined && months >= 96) keys.push(factKey("age", "senior"));
  if (/puppy|welpe|baby|young/iu.test(input.age_text ?? "")) keys.push(factKey("age", "puppy"));
  if (/senior|old/iu.test(input.age_text ?? "")) keys.push(factKey("age", "senior"));
  return keys;
}

function ageInMonths(text: string): number | undefined {
  const m =
    /(\d+(?:[.,]\d+)?)\s*(months?|monate?n?|mo|weeks?|wochen|years?|jahre?n?|yrs?|y)\b/iu.exec(
      text,
    );
  if (!m) return undefined;
  const n = Number(m[1]!.replace(",", "."));
  const unit = m[2]!.toLowerCase();
  if (unit.startsWith("w")) return n / 4.3;
  if (unit.startsWith("mo")) return n;
  return n * 12;
}
