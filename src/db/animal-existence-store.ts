// Which of the given animal ids exist: the API answers 404 before it starts any work.
import type { Queryable } from "./database.js";

/** The ids from `ids` that have no row in `animals`, in the order given. */
export async function findMissingAnimalIds(
  db: Queryable,
  ids: readonly number[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<{ id: number }>("SELECT id FROM animals WHERE id = ANY($1::int[])", [
    ids,
  ]);
  const found = new Set(rows.map((row) => Number(row.id)));
  return ids.filter((id) => !found.has(id));
}
