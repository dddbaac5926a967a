// Keyset cursors of the review queue as opaque-looking strings: `animalId:type:language`.
import { PROCESSING_TYPES, type ProcessingType } from "../config.js";
import { ValidationError } from "../errors.js";
import type { QueueCursor } from "./review-types.js";

const CURSOR = /^(\d{1,10}):([a-z_]{1,32}):([a-z]{0,8})$/;

export function encodeQueueCursor(cursor: QueueCursor): string {
  return `${cursor.animalId}:${cursor.processingType}:${cursor.targetLanguage}`;
}

export function parseQueueCursor(value: string, field: string): QueueCursor {
  const match = CURSOR.exec(value);
  const type = match?.[2];
  if (!match || !(PROCESSING_TYPES as readonly string[]).includes(type ?? "")) {
    throw new ValidationError(
      `${field}: not a queue position (use next_cursor or prev_cursor)`,
      field,
    );
  }
  return {
    animalId: Number(match[1]),
    processingType: type as ProcessingType,
    targetLanguage: match[3] ?? "",
  };
}
