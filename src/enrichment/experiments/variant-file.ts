// A prompt variant file (prompts/*.txt): the instructions that replace the type's built-in
// ones, optionally preceded by a front matter of `temperature` and `model`:
//
//   ---
//   temperature: 0.85
//   model: openai/gpt-4o-mini
//   ---
//   You write warm, honest adoption profiles…
import { ValidationError } from "../../errors.js";

export interface VariantFile {
  readonly instructions: string;
  readonly temperature: number | null;
  readonly model: string | null;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

export function parseVariantFile(text: string, file: string): VariantFile {
  let temperature: number | null = null;
  let model: string | null = null;
  let body = text;
  const match = FRONT_MATTER.exec(text);
  if (match) {
    body = text.slice(match[0].length);
    for (const line of match[1]!.split(/\r?\n/)) {
      if (line.trim() === "" || line.trim().startsWith("#")) continue;
      const kv = /^\s*([a-z_]+)\s*:\s*(.*?)\s*$/.exec(line);
      const key = kv?.[1];
      const value = kv?.[2] ?? "";
      if (key === "temperature" && /^\d+(\.\d+)?$/.test(value)) temperature = Number(value);
      else if (key === "model" && /^[\w./:@-]{1,100}$/.test(value)) model = value;
      else {
        throw new ValidationError(
          `${file}: front matter line "${line.trim()}" is not "temperature: <number>" or "model: <id>"`,
          "variant",
        );
      }
    }
  }
  const instructions = body.trim();
  if (instructions === "")
    throw new ValidationError(`${file}: the prompt text is empty`, "variant");
  return { instructions, temperature, model };
}
