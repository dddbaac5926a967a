// Set-based upsert of imported listings into `animals`, keyed by (external_id, organization_id).
import type { ParsedListing } from "../listings/parse-listing-line.js";
import type { Queryable } from "./database.js";

/** A parsed listing placed in its organization. */
export type ListingRecord = Omit<ParsedListing, "organization"> & {
  readonly organizationId: number;
};

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * One statement per batch. A row whose values all match what is stored is not rewritten
 * (its updated_at stays), so re-importing a file changes nothing. `xmax = 0` tells a
 * fresh insert from an update of an existing row. The batch must not hold the same
 * (externalId, organizationId) twice: Postgres refuses to update one row twice per statement.
 */
export async function upsertListings(
  db: Queryable,
  records: readonly ListingRecord[],
): Promise<UpsertCounts> {
  if (records.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const rows = await db.query<{ inserted: number; updated: number }>(
    `WITH input AS (
       SELECT * FROM unnest(
         $1::text[], $2::int[], $3::text[], $4::text[], $5::text[],
         $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]
       ) AS t(external_id, organization_id, name, breed, age_text,
              sex, size, language, adoption_url, properties, status)
     ),
     written AS (
       INSERT INTO animals AS a (external_id, organization_id, name, breed, age_text,
                                 sex, size, language, adoption_url, properties, status)
       SELECT external_id, organization_id, name, breed, age_text,
              sex, size, COALESCE(language, 'en'), adoption_url, properties::jsonb,
              COALESCE(status, 'available')
       FROM input
       ON CONFLICT (external_id, organization_id) DO UPDATE SET
         name = EXCLUDED.name,
         breed = EXCLUDED.breed,
         age_text = EXCLUDED.age_text,
         sex = EXCLUDED.sex,
         size = EXCLUDED.size,
         language = EXCLUDED.language,
         adoption_url = EXCLUDED.adoption_url,
         properties = EXCLUDED.properties,
         status = EXCLUDED.status,
         updated_at = now()
       WHERE (a.name, a.breed, a.age_text, a.sex, a.size, a.language, a.adoption_url, a.properties,
              a.status)
         IS DISTINCT FROM
         (EXCLUDED.name, EXCLUDED.breed, EXCLUDED.age_text, EXCLUDED.sex, EXCLUDED.size,
          EXCLUDED.language, EXCLUDED.adoption_url, EXCLUDED.properties, EXCLUDED.status)
       RETURNING (a.xmax = 0) AS is_insert
     )
     SELECT (count(*) FILTER (WHERE is_insert))::int AS inserted,
            (count(*) FILTER (WHERE NOT is_insert))::int AS updated
     FROM written`,
    [
      records.map((r) => r.externalId),
      records.map((r) => r.organizationId),
      records.map((r) => r.name),
      records.map((r) => r.breed),
      records.map((r) => r.ageText),
      records.map((r) => r.sex),
      records.map((r) => r.size),
      records.map((r) => r.language),
      records.map((r) => r.adoptionUrl),
      records.map((r) => JSON.stringify(r.properties)),
      records.map((r) => r.status),
    ],
  );
  const inserted = rows[0]?.inserted ?? 0;
  const updated = rows[0]?.updated ?? 0;
  return { inserted, updated, unchanged: records.length - inserted - updated };
}
