// Real listings from ../shared/data, read by path (never copied into the repo).
import { readFileSync } from "node:fs";
import type { AnimalSource } from "../../../src/enrichment/animal-source.js";
import type { OrganizationOverrides } from "../../../src/enrichment/organization-overrides.js";
import { sharedDataFile } from "../../../src/testing/shared-data.js";

export interface RawListing {
  readonly external_id: string;
  readonly organization: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly breed: string | null;
  readonly age_text: string | null;
  readonly sex: string | null;
  readonly size: string | null;
  readonly language: string | null;
}

const FILES = { main: "listings.jsonl", eval: "listings-eval.jsonl" } as const;

const loaded = new Map<string, RawListing[]>();

export function realListings(which: keyof typeof FILES = "main"): RawListing[] {
  let rows = loaded.get(which);
  if (!rows) {
    rows = readFileSync(sharedDataFile(FILES[which]), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as RawListing);
    loaded.set(which, rows);
  }
  return rows;
}

export function realListing(externalId: string): RawListing {
  const row = [...realListings("main"), ...realListings("eval")].find(
    (r) => r.external_id === externalId,
  );
  if (!row) throw new Error(`no listing ${externalId}`);
  return row;
}

export function toAnimal(
  row: RawListing,
  overrides: OrganizationOverrides = {},
  changes: Partial<AnimalSource> = {},
): AnimalSource {
  return {
    id: 1,
    name: row.name,
    breed: row.breed,
    ageText: row.age_text,
    sex: row.sex,
    size: row.size,
    language: row.language,
    description: row.description,
    enrichedDescription: null,
    organizationOverrides: overrides,
    ...changes,
  };
}
