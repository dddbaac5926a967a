// "German (de)": models follow a named language more reliably than a bare code.
const NAMES = new Intl.DisplayNames(["en"], { type: "language" });

// Every prompt names a language, from a handful of codes: look each up once (a code Intl
// rejects throws, which is slow to do per prompt).
const named = new Map<string, string>();

/** "German" for "de"; the code itself when it names no language. */
export function languageName(code: string): string {
  let name = named.get(code);
  if (name === undefined) {
    name = lookUp(code);
    if (named.size < 1000) named.set(code, name);
  }
  return name;
}

function lookUp(code: string): string {
  try {
    return NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}

export function describeLanguage(code: string): string {
  const name = languageName(code);
  return name !== code ? `${name} (${code})` : code;
}

/** Prompt line naming the output language; the fake model reads the code after the colon. */
export const OUTPUT_LANGUAGE_LINE_PREFIX = "Output language: ";
