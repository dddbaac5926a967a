// A text answer as the guards should see it: without a wrapping code fence, whitespace tidy.
import { normalizeWhitespace } from "./input/normalize-whitespace.js";

export function plainTextAnswer(content: string): string {
  const fenced = /^\s*```[a-z]*\s*\n([\s\S]*?)\n?```\s*$/i.exec(content);
  return normalizeWhitespace(fenced?.[1] ?? content);
}
