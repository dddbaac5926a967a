// Shared checks for texts that must carry the source's facts over: names and numbers.
import { normalizeForMatch } from "./normalized-match.js";
import { numbersIn } from "./text-features.js";

/** Reasons for each word of `name` that the source mentions but the output dropped. */
export function missingNameReasons(
  name: string | undefined,
  source: string,
  output: string,
): string[] {
  if (!name) return [];
  const sourceWords = new Set(normalizeForMatch(source).split(" "));
  const outputWords = new Set(normalizeForMatch(output).split(" "));
  const words = normalizeForMatch(name)
    .split(" ")
    .filter((word) => /\p{L}{2,}/u.test(word) && sourceWords.has(word));
  const missing = words.filter((word) => !outputWords.has(word));
  return missing.length > 0 ? [`drops the name "${name}"`] : [];
}

/** Reasons for numbers of the source missing from the output. */
export function missingNumberReasons(source: string, output: string): string[] {
  const kept = numbersIn(output);
  const missing = [...numbersIn(source)].filter((n) => !kept.has(n));
  return missing.length > 0 ? [`drops number(s) from the listing: ${missing.join(", ")}`] : [];
}

/** Reasons for numbers in the output that none of `sources` contains. */
export function addedNumberReasons(sources: readonly string[], output: string): string[] {
  const known = new Set(sources.flatMap((s) => [...numbersIn(s)]));
  const added = [...numbersIn(output)].filter((n) => !known.has(n));
  return added.length > 0 ? [`adds number(s) not in the listing: ${added.join(", ")}`] : [];
}

/** Reason when the output's length is outside [minRatio·source − slack, maxRatio·source + slack]. */
export function lengthRatioReasons(
  source: string,
  output: string,
  bounds: { minRatio: number; maxRatio: number; slackChars: number },
): string[] {
  const ratio = source.length === 0 ? 0 : output.length / source.length;
  if (output.length < bounds.minRatio * source.length - bounds.slackChars) {
    return [
      `is too short: ${output.length} characters for a source of ${source.length} (ratio ${ratio.toFixed(2)})`,
    ];
  }
  if (output.length > bounds.maxRatio * source.length + bounds.slackChars) {
    return [
      `is too long: ${output.length} characters for a source of ${source.length} (ratio ${ratio.toFixed(2)})`,
    ];
  }
  return [];
}
