// Resolves which animals a queued job covers, at enqueue time, so the job can be split into
// chunks of ids. The pipeline still decides per item whether there is anything to do.
import type { Queryable } from "./database.js";

export interface AnimalIdSelection {
  /** organizations.id */
  readonly organizationId: number | undefined;
  readonly animalIds: readonly number[] | undefined;
}

/** Ids in ascending order; an unknown id simply yields nothing. */
export async function listAnimalIdsForJob(
  db: Queryable,
  selection: AnimalIdSelection,
): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `SELECT a.id
       FROM animals a
      WHERE ($1::int IS NULL OR a.organization_id = $1::int)
        AND ($2::int[] IS NULL OR a.id = ANY ($2::int[]))
      ORDER BY a.id`,
    [selection.organizationId ?? null, selection.animalIds ? [...selection.animalIds] : null],
  );
  return rows.map((row) => Number(row.id));
}
