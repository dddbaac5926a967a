// "German (de)": models follow a named language more reliably than a bare code.
const NAMES = new Intl.DisplayNames(["en"], { type: "language" });

/** "German" for "de"; the code itself when it names no language. */
export function languageName(code: string): string {
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
