// SQL behind the core's ListingDirectory port: which organizations and animals exist.
import type {
  ListingDirectory,
  OrganizationKey,
  OrganizationRef,
} from "../enrichment/pipeline/listing-directory.js";
import { findMissingAnimalIds } from "./animal-existence-store.js";
import type { Queryable } from "./database.js";

/** organizations.id is an int4; a longer run of digits can only be a config_id. */
const NUMERIC_ID = /^[1-9]\d{0,8}$/;
const MAX_INT4 = 2_147_483_647;

export function createListingDirectory(db: Queryable): ListingDirectory {
  return {
    async findOrganization(ref: OrganizationRef): Promise<OrganizationKey | undefined> {
      const asId = typeof ref === "number" ? ref : NUMERIC_ID.test(ref) ? Number(ref) : undefined;
      const id = asId !== undefined && Number.isInteger(asId) && asId <= MAX_INT4 ? asId : null;
      const configId = typeof ref === "string" ? ref : null;
      // An id match wins over a config_id that happens to be the same digits.
      const rows = await db.query<{ id: number; config_id: string | null }>(
        `SELECT id, config_id FROM organizations
          WHERE id = $1::int OR config_id = $2::text
          ORDER BY (id = $1::int) IS TRUE DESC
          LIMIT 1`,
        [id, configId],
      );
      const row = rows[0];
      return row && { id: Number(row.id), configId: row.config_id };
    },
    findMissingAnimalIds: (ids) => findMissingAnimalIds(db, ids),
  };
}
