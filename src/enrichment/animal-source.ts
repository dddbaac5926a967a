// What the enrichment core needs to know about one animal; the pipeline maps DB rows to it.
import type { OrganizationOverrides } from "./organization-overrides.js";

export interface AnimalSource {
  readonly id: number;
  readonly name: string | null;
  readonly breed: string | null;
  readonly ageText: string | null;
  readonly sex: string | null;
  readonly size: string | null;
  /** The `animals.language` column: a hint only; the core detects the language itself. */
  readonly language: string | null;
  /** `properties->>'description'`, exactly as published. */
  readonly description: string | null;
  /** The cleaned description (animals.enriched_description), when there is one. */
  readonly enrichedDescription: string | null;
  /** Parsed organizations.llm_config; empty object when the organization has none. */
  readonly organizationOverrides: OrganizationOverrides;
}
