// Resolves which animals a queued job covers, at enqueue time, so the job can be split into
// chunks of ids. The pipeline still decides per item whether there is anything to do.
import type { Queryable } from "./database.js";

export interface AnimalIdSelection {
  /** organizations.config_id */
  readonly organizationConfigId?: string;
  readonly animalIds?: readonly number[];
  /** At most this many ids (lowest first). */
  readonly limit?: number;
}

/** Ids in ascending order; an unknown organization or id simply yields nothing. */
export async function listAnimalIdsForJob(
  db: Queryable,
  selection: AnimalIdSelection,
): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `SELECT a.id
       FROM animals a
       JOIN organizations o ON o.id = a.organization_id
      WHERE ($1::text IS NULL OR o.config_id = $1)
        AND ($2::int[] IS NULL OR a.id = ANY ($2::int[]))
      ORDER BY a.id
      LIMIT $3`,
    [
      selection.organizationConfigId ?? null,
      selection.animalIds ? [...selection.animalIds] : null,
      selection.limit ?? null,
    ],
  );
  return rows.map((row) => Number(row.id));
}
