// The aggregator's `organizations` table, addressed by config_id (the slug `-o` takes).
import type { Queryable } from "./database.js";

export interface Organization {
  readonly id: number;
  readonly configId: string | null;
  readonly name: string;
  readonly websiteUrl: string | null;
  readonly country: string | null;
  readonly city: string | null;
  readonly active: boolean;
}

interface OrganizationRow {
  id: number;
  config_id: string | null;
  name: string;
  website_url: string | null;
  country: string | null;
  city: string | null;
  active: boolean;
}

const COLUMNS = "id, config_id, name, website_url, country, city, active";

function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    configId: row.config_id,
    name: row.name,
    websiteUrl: row.website_url,
    country: row.country,
    city: row.city,
    active: row.active,
  };
}

export async function findOrganizationByConfigId(
  db: Queryable,
  configId: string,
): Promise<Organization | undefined> {
  const rows = await db.query<OrganizationRow>(
    `SELECT ${COLUMNS} FROM organizations WHERE config_id = $1`,
    [configId],
  );
  return rows[0] && toOrganization(rows[0]);
}

export async function listOrganizations(db: Queryable): Promise<Organization[]> {
  const rows = await db.query<OrganizationRow>(`SELECT ${COLUMNS} FROM organizations ORDER BY id`);
  return rows.map(toOrganization);
}

export interface OrganizationInput {
  readonly configId: string;
  /** Defaults to the config_id. */
  readonly name?: string;
  readonly websiteUrl?: string | null;
  readonly country?: string | null;
  readonly city?: string | null;
}

/**
 * Inserts the organization, or updates the given fields of the one with this config_id.
 * Fields left out are not touched, and an unchanged row is not rewritten.
 */
export async function upsertOrganization(
  db: Queryable,
  input: OrganizationInput,
): Promise<Organization> {
  const rows = await db.query<OrganizationRow>(
    `INSERT INTO organizations AS o (config_id, name, website_url, country, city)
     VALUES ($1::text, COALESCE($2::text, $1::text), $3::text, $4::text, $5::text)
     ON CONFLICT (config_id) DO UPDATE SET
       name = COALESCE($2::text, o.name),
       website_url = CASE WHEN $6::boolean THEN $3::text ELSE o.website_url END,
       country = CASE WHEN $7::boolean THEN $4::text ELSE o.country END,
       city = CASE WHEN $8::boolean THEN $5::text ELSE o.city END,
       updated_at = now()
     WHERE (o.name, o.website_url, o.country, o.city) IS DISTINCT FROM (
       COALESCE($2::text, o.name),
       CASE WHEN $6::boolean THEN $3::text ELSE o.website_url END,
       CASE WHEN $7::boolean THEN $4::text ELSE o.country END,
       CASE WHEN $8::boolean THEN $5::text ELSE o.city END)
     RETURNING ${COLUMNS}`,
    [
      input.configId,
      input.name ?? null,
      input.websiteUrl ?? null,
      input.country ?? null,
      input.city ?? null,
      input.websiteUrl !== undefined,
      input.country !== undefined,
      input.city !== undefined,
    ],
  );
  if (rows[0]) return toOrganization(rows[0]);
  // Nothing changed, so nothing was returned: read the row as it is.
  const existing = await findOrganizationByConfigId(db, input.configId);
  if (!existing) throw new Error(`organization ${input.configId} vanished during upsert`);
  return existing;
}

/** Ids of the organizations with these config_ids; the unknown ones are absent. */
export async function findOrganizationIds(
  db: Queryable,
  configIds: readonly string[],
): Promise<Map<string, number>> {
  if (configIds.length === 0) return new Map();
  const rows = await db.query<{ id: number; config_id: string }>(
    "SELECT id, config_id FROM organizations WHERE config_id = ANY($1::text[])",
    [configIds],
  );
  return new Map(rows.map((r) => [r.config_id, r.id]));
}

/**
 * Ids for these config_ids, creating the missing ones (name = config_id).
 * Existing organizations are left exactly as they are.
 */
export async function ensureOrganizations(
  db: Queryable,
  configIds: readonly string[],
): Promise<Map<string, number>> {
  if (configIds.length === 0) return new Map();
  await db.query(
    `INSERT INTO organizations (config_id, name)
     SELECT c, c FROM unnest($1::text[]) AS t(c)
     ON CONFLICT (config_id) DO NOTHING`,
    [configIds],
  );
  return findOrganizationIds(db, configIds);
}
