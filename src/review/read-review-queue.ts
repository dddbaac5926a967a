// One page of the review queue and the counts per state, for the page and the JSON route.
import type { ProcessingType } from "../config.js";
import type { Queryable } from "../db/database.js";
import { countReviewQueue, listReviewQueue } from "../db/review-queue-store.js";
import { parseQueueCursor } from "./queue-cursor.js";
import { resolveOrganizationId } from "./resolve-organization.js";
import type { QueueCounts, QueueFilter, QueuePage, QueueState } from "./review-types.js";

export interface QueueQuery {
  /** Numeric id or config_id. */
  readonly organization?: string | undefined;
  readonly processingType?: ProcessingType | undefined;
  readonly language?: string | undefined;
  readonly state: QueueState;
  readonly search?: string | undefined;
  readonly after?: string | undefined;
  readonly before?: string | undefined;
  readonly limit: number;
}

export interface QueueView {
  readonly filter: QueueFilter;
  readonly page: QueuePage;
  readonly counts: QueueCounts;
}

export async function readReviewQueue(db: Queryable, query: QueueQuery): Promise<QueueView> {
  const search = query.search?.trim();
  const filter: QueueFilter = {
    state: query.state,
    ...(query.organization !== undefined && {
      organizationId: await resolveOrganizationId(db, query.organization),
    }),
    ...(query.processingType !== undefined && { processingType: query.processingType }),
    ...(query.language !== undefined && { targetLanguage: query.language }),
    ...(search !== undefined && search !== "" && { search }),
  };
  const after = query.after ? parseQueueCursor(query.after, "after") : undefined;
  const before = query.before ? parseQueueCursor(query.before, "before") : undefined;
  const [page, counts] = await Promise.all([
    listReviewQueue(db, filter, {
      limit: query.limit,
      ...(after && { after }),
      ...(before && { before }),
    }),
    countReviewQueue(db, filter),
  ]);
  return { filter, page, counts };
}
