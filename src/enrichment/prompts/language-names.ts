// "German (de)": models follow a named language more reliably than a bare code.
const NAMES = new Intl.DisplayNames(["en"], { type: "language" });

// Every prompt names a language, from a handful of codes: look each up once (a code
// Intl rejects throws, which is slow to do per prompt).
const described = new Map<string, string>();

export function describeLanguage(code: string): string {
  let text = described.get(code);
  if (text === undefined) {
    text = describeUncached(code);
    if (described.size < 1000) described.set(code, text);
  }
  return text;
}

function describeUncached(code: string): string {
  let name: string | undefined;
  try {
    name = NAMES.of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (${code})` : code;
}

/** Prompt line naming the output language; the fake model reads the code after the colon. */
export const OUTPUT_LANGUAGE_LINE_PREFIX = "Output language: ";
