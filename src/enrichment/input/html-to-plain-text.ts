// HTML fragments in listings become plain text (html-to-text carries the parsing and the
// entity decoding). Plain-text listings pass through with their line breaks intact.
// The options are compiled once (html-to-text's `compile()`): `convert()` re-merges and
// re-compiles its selectors on every call, which was a third of a cached run's CPU.
import { compile, type HtmlToTextOptions } from "html-to-text";

const HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  preserveNewlines: true,
  selectors: [
    { selector: "a", options: { ignoreHref: true } },
    { selector: "img", format: "skip" },
    { selector: "script", format: "skip" },
    { selector: "style", format: "skip" },
    ...HEADINGS,
    { selector: "table", format: "dataTable" },
  ],
};

const convert = compile(OPTIONS);

const ENTITY = /&(?:#\d{1,7}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/gi;

/** Text html-to-text would change beyond whitespace: a tag, a comment or an entity. */
const MARKUP = /[<&]/;

export function htmlToPlainText(text: string): string {
  // Most fields (names, breeds, plain descriptions) have no markup at all: nothing to parse.
  // Whitespace is left to normalizeWhitespace, which every caller applies after this step.
  if (!MARKUP.test(text)) return text;
  const converted = convert(text);
  // Double-encoded entities ("&amp;#39;") survive one decoding; decode what is left, entity by
  // entity, so a literal "<3" elsewhere in the text is not parsed as markup a second time.
  return converted.replace(ENTITY, (entity) => convert(entity));
}
