// The queue filter's organizations and languages, read at most every few seconds: they change
// rarely, and the queue page should spend its time on the queue.
import type { Queryable } from "../../db/database.js";
import {
  listOrganizationChoices,
  listQueueLanguages,
  type OrganizationChoice,
} from "../../db/review-queue-store.js";

export interface FilterChoices {
  readonly organizations: readonly OrganizationChoice[];
  readonly languages: readonly string[];
}

export function createFilterChoices(
  db: Queryable,
  ttlMs = 5000,
  now: () => number = Date.now,
): () => Promise<FilterChoices> {
  let cached: { at: number; value: Promise<FilterChoices> } | undefined;
  return () => {
    if (cached === undefined || now() - cached.at >= ttlMs) {
      const value = Promise.all([listOrganizationChoices(db), listQueueLanguages(db)]).then(
        ([organizations, languages]) => ({ organizations, languages }),
      );
      // A failed read is not kept: the next page load tries again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
      cached = { at: now(), value };
    }
    return cached.value;
  };
}
