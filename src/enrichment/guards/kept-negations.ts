// A cleaned description fixes grammar and layout; it has no reason to lose a "not". Where the
// fact lexicons do not know the words a negation stands before ("keine Probleme mit Rüden"),
// counting the negations themselves still catches the flip: a cleaned text in the listing's
// language has at least as many as the listing.
import { splitSentences } from "../facts/sentences.js";

/** Negation words by language (the ones a flip removes); English is read in every listing. */
const NEGATIONS: Readonly<Record<string, RegExp>> = {
  en: /\b(?:not|never|cannot|without|none|neither|nor|no(?=\s+\p{L}))\b|n['’]t\b/giu,
  de: /(?<![\p{L}])(?:nicht|nie|niemals|ohne|kein\p{L}{0,2}|weder)(?![\p{L}])/giu,
  es: /(?<![\p{L}])(?:no|nunca|jamás|sin|ni|tampoco)(?![\p{L}])/giu,
  fr: /(?<![\p{L}])(?:ne|n['’]|pas|jamais|sans|aucun\p{L}{0,2})(?![\p{L}])/giu,
};

function negationCount(text: string, languages: readonly string[]): number {
  return languages.reduce((sum, l) => sum + (text.match(NEGATIONS[l]!) ?? []).length, 0);
}

/** Reasons a cleaned text has fewer negations than its listing (same language only). */
export function lostNegationReasons(
  source: string,
  output: string,
  language: string | undefined,
): string[] {
  const languages = [...new Set([language ?? "en", "en"])].filter((l) => l in NEGATIONS);
  const before = negationCount(source, languages);
  const after = negationCount(output, languages);
  if (after >= before) return [];
  // Name a listing sentence whose negation is gone: one with more negations than any output
  // sentence that shares most of its words.
  const outputSentences = splitSentences(output, language).map((s) => s.text);
  const lost = splitSentences(source, language).find((s) => {
    const count = negationCount(s.text, languages);
    if (count === 0) return false;
    const words = new Set(s.text.toLowerCase().split(/\s+/));
    const twin = outputSentences.find((o) => {
      const shared = o
        .toLowerCase()
        .split(/\s+/)
        .filter((w) => words.has(w)).length;
      return shared >= words.size * 0.6;
    });
    return twin !== undefined && negationCount(twin, languages) < count;
  });
  return [
    `the cleaned description has ${after} negation(s) where the listing has ${before}: a lost "not" turns a fact around${lost ? `, e.g. in "${lost.text}"` : ""}`,
  ];
}
