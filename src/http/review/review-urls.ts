// URLs of the review pages. The queue's filters travel as a query string (`from`) so the dog
// page can link back to the same queue page and to the next dog in it.
import type { ProcessingType } from "../../config.js";
import type { QueueState } from "../../review/review-types.js";

export interface QueueParams {
  readonly organization_id?: string | undefined;
  readonly processing_type?: ProcessingType | undefined;
  readonly language?: string | undefined;
  readonly state?: QueueState | undefined;
  readonly q?: string | undefined;
  readonly after?: string | undefined;
  readonly before?: string | undefined;
}

export function queueSearch(params: QueueParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "string" && value !== "") search.set(key, value);
  }
  return search.toString();
}

export function queueHref(params: QueueParams, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams(queueSearch(params));
  for (const [key, value] of Object.entries(extra)) search.set(key, value);
  const text = search.toString();
  return text === "" ? "/review" : `/review?${text}`;
}

export function itemKeyOf(type: ProcessingType, language: string): string {
  return `${type}:${language}`;
}

export function dogHref(
  animalId: number,
  from: string,
  focus?: { type: ProcessingType; language: string },
): string {
  const search = new URLSearchParams();
  if (from !== "") search.set("from", from);
  if (focus) search.set("focus", itemKeyOf(focus.type, focus.language));
  const text = search.toString();
  return `/review/animals/${animalId}${text === "" ? "" : `?${text}`}`;
}

/** Only our own queue query strings are followed back (no open redirect). */
export function safeFrom(value: string | undefined): string {
  if (value === undefined || value.length > 1000 || /[\r\n#]/.test(value)) return "";
  return value.startsWith("?") ? value.slice(1) : value;
}
