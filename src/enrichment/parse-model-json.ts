// Model JSON arrives in fences, with trailing commas, or cut off. jsonrepair fixes syntax; a
// truncated answer is refused rather than "repaired" into a shorter, plausible-looking object.
import { jsonrepair } from "jsonrepair";
import type { z } from "zod";

export type ParsedJson<T> = { ok: true; value: T } | { ok: false; reasons: string[] };

const FENCED = /```[a-z]*\s*\n?([\s\S]*?)```/i;

export function parseModelJson<S extends z.ZodType>(
  content: string,
  schema: S,
): ParsedJson<z.output<S>> {
  const fenced = FENCED.exec(content);
  let body = (fenced?.[1] ?? content).trim();
  if (!fenced && content.includes("```")) {
    // An opening fence with no closing one: the answer stopped mid-way.
    return { ok: false, reasons: ["the JSON answer is truncated (unclosed code fence)"] };
  }
  const start = body.indexOf("{");
  if (start < 0) return { ok: false, reasons: ["the answer contains no JSON object"] };
  body = body.slice(start);
  if (!body.endsWith("}")) {
    return { ok: false, reasons: ["the JSON answer is truncated (it does not end with '}')"] };
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    // Only broken syntax goes through the repairer: it is for trailing commas and the like.
    try {
      data = JSON.parse(jsonrepair(body));
    } catch (error) {
      return { ok: false, reasons: [`the answer is not valid JSON: ${(error as Error).message}`] };
    }
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    reasons: parsed.error.issues.map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
      return `schema: ${path}: ${issue.message}`;
    }),
  };
}
