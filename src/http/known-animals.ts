// 404 before any work starts when a request names animals that do not exist.
import { findMissingAnimalIds } from "../db/animal-existence-store.js";
import type { Queryable } from "../db/database.js";
import { NotFoundError } from "../errors.js";

const LISTED = 10;

export async function assertAnimalsExist(db: Queryable, ids: readonly number[]): Promise<void> {
  const missing = await findMissingAnimalIds(db, ids);
  if (missing.length === 0) return;
  const shown = missing.slice(0, LISTED).join(", ");
  const more = missing.length > LISTED ? ` and ${missing.length - LISTED} more` : "";
  throw new NotFoundError(
    missing.length === 1 ? `Unknown animal: ${shown}` : `Unknown animals: ${shown}${more}`,
  );
}
