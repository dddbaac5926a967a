// "German (de)": models follow a named language more reliably than a bare code.
const NAMES = new Intl.DisplayNames(["en"], { type: "language" });

export function describeLanguage(code: string): string {
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
