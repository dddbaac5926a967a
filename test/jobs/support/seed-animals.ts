// Inserts one organization with `count` animals; returns their ids in order.
import type { Queryable } from "../../../src/db/database.js";

export async function seedAnimals(
  db: Queryable,
  configId: string,
  count: number,
): Promise<number[]> {
  const [org] = await db.query<{ id: number }>(
    "INSERT INTO organizations (name, config_id) VALUES ($1, $1) RETURNING id",
    [configId],
  );
  const rows = await db.query<{ id: number }>(
    `INSERT INTO animals (name, organization_id, external_id, properties)
     SELECT 'Dog ' || n, $1, $2 || '-' || n, jsonb_build_object('description', 'A friendly dog number ' || n || ' of ' || $2 || ', calm with children.')
       FROM generate_series(1, $3::int) AS n
     RETURNING id`,
    [org?.id, configId, count],
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}
