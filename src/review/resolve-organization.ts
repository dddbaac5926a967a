// A queue filter names an organization by numeric id or by config_id.
import type { Queryable } from "../db/database.js";
import { NotFoundError } from "../errors.js";

/** organizations.id is an int4; a longer run of digits can only be a config_id. */
const NUMERIC_ID = /^[1-9]\d{0,8}$/;

export async function resolveOrganizationId(db: Queryable, value: string): Promise<number> {
  const rows = await db.query<{ id: number }>(
    NUMERIC_ID.test(value)
      ? "SELECT id FROM organizations WHERE id = $1::int OR config_id = $1::text ORDER BY id = $1::int DESC LIMIT 1"
      : "SELECT id FROM organizations WHERE config_id = $1::text",
    [value],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new NotFoundError(`Unknown organization: ${value}`);
  return id;
}
