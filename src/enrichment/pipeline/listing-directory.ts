// The core's port to what exists: the organizations and animals a request may name.
// Implemented with plain SQL in src/db/listing-directory.ts.

/** An organization as a request names it: its numeric id, or its config_id (the `-o` slug). */
export type OrganizationRef = number | string;

export interface OrganizationKey {
  /** organizations.id */
  readonly id: number;
  readonly configId: string | null;
}

export interface ListingDirectory {
  /**
   * The organization `ref` names. A number is an id; text of digits is tried as an id first,
   * then as a config_id; any other text is a config_id.
   */
  findOrganization(ref: OrganizationRef): Promise<OrganizationKey | undefined>;
  /** The ids from `ids` that have no row in `animals`, in the order given. */
  findMissingAnimalIds(ids: readonly number[]): Promise<number[]>;
}
