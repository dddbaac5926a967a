// The response-cache key: SHA-256 over everything that changes the answer.
import { createHash } from "node:crypto";

export interface CacheKeyParts {
  readonly processingType: string;
  readonly promptVersion: string;
  /** The requested model (e.g. `openrouter/auto`); the served one is only known afterwards. */
  readonly model: string;
  readonly temperature: number;
  readonly targetLanguage?: string | undefined;
  /** The prepared input (text, or a plain object of prepared fields). */
  readonly input: unknown;
}

/** 64 hex chars; stable across processes (object keys are sorted before hashing). */
export function cacheKey(parts: CacheKeyParts): string {
  const canonical = canonicalJson([
    parts.processingType,
    parts.promptVersion,
    parts.model,
    parts.temperature,
    parts.targetLanguage ?? "",
    parts.input,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
