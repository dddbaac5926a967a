// Streams a JSONL file of listings into the database in batches: memory stays flat however
// long the file is, and one bad line is reported without stopping the rest.
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Database } from "../db/database.js";
import type { ListingRecord, UpsertCounts } from "../db/listing-import-store.js";
import { upsertListings } from "../db/listing-import-store.js";
import { ensureOrganizations, findOrganizationIds } from "../db/organization-store.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { ParsedListing } from "./parse-listing-line.js";
import { parseListingLine } from "./parse-listing-line.js";

export interface RejectedLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
}

export interface ImportReport {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Every rejected line counts here, even past `maxRejectedKept`. */
  rejectedCount: number;
  /** The first `maxRejectedKept` rejected lines, in file order. */
  rejected: RejectedLine[];
  /** True when the signal stopped the import before the end of the file. */
  aborted: boolean;
}

export interface ImportListingsDeps {
  readonly db: Database;
}

export interface ImportListingsInput {
  readonly filePath: string;
  /**
   * config_id for every listing in the file. It wins over a line's own `organization`
   * (the command line is the more deliberate statement); without it each line must name one.
   */
  readonly organization?: string | undefined;
  /**
   * Create organizations that do not exist yet (name = config_id). Without it an unknown
   * `organization` fails the import before anything is written, and a line naming an
   * unknown one is rejected: a typo must not create an organization.
   */
  readonly createOrganizations?: boolean;
  /** Listings per INSERT statement. */
  readonly batchSize?: number;
  /** Rejected lines kept with their reasons; the count is always complete. */
  readonly maxRejectedKept?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_IMPORT_BATCH_SIZE = 500;

/**
 * Throws ValidationError when the file cannot be opened or is not a regular file, and
 * NotFoundError when `organization` does not exist and `createOrganizations` is not set.
 */
export async function importListings(
  deps: ImportListingsDeps,
  input: ImportListingsInput,
): Promise<ImportReport> {
  const batchSize = input.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
  const maxRejectedKept = input.maxRejectedKept ?? 1000;
  const forcedOrganization =
    input.organization !== undefined && input.organization.trim() !== ""
      ? input.organization.trim()
      : undefined;

  const createOrganizations = input.createOrganizations === true;
  // Ids of organizations known to exist; undefined for config_ids looked up and not found.
  const organizationIds = new Map<string, number | undefined>();
  const knownOrganization = async (configId: string): Promise<boolean> => {
    if (!organizationIds.has(configId)) {
      const found = await findOrganizationIds(deps.db, [configId]);
      organizationIds.set(configId, found.get(configId));
    }
    return organizationIds.get(configId) !== undefined;
  };
  if (
    forcedOrganization !== undefined &&
    !createOrganizations &&
    !(await knownOrganization(forcedOrganization))
  ) {
    throw new NotFoundError(unknownOrganizationMessage(forcedOrganization));
  }

  const handle = await openListingsFile(input.filePath);
  const lines = createInterface({
    input: handle.createReadStream({ encoding: "utf8" }),
    crlfDelay: Infinity,
  });

  const report: ImportReport = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejectedCount: 0,
    rejected: [],
    aborted: false,
  };
  // Keyed by organization + external_id, so a repeated listing closes the batch first and
  // a later line in the file wins, as if the lines were written one by one.
  let batch = new Map<string, { organization: string; listing: ParsedListing }>();

  const add = (counts: UpsertCounts) => {
    report.inserted += counts.inserted;
    report.updated += counts.updated;
    report.unchanged += counts.unchanged;
  };
  const flush = async () => {
    if (batch.size === 0) return;
    const items = [...batch.values()];
    batch = new Map();
    const counts = await deps.db.transaction(async (tx) => {
      // Only with createOrganizations can a batch name one not known yet.
      const missing = [
        ...new Set(
          items.map((i) => i.organization).filter((o) => organizationIds.get(o) === undefined),
        ),
      ];
      for (const [configId, id] of await ensureOrganizations(tx, missing)) {
        organizationIds.set(configId, id);
      }
      const records: ListingRecord[] = items.map(({ organization, listing }) => ({
        externalId: listing.externalId,
        organizationId: organizationIds.get(organization) as number,
        name: listing.name,
        breed: listing.breed,
        ageText: listing.ageText,
        sex: listing.sex,
        size: listing.size,
        language: listing.language,
        status: listing.status,
        adoptionUrl: listing.adoptionUrl,
        properties: listing.properties,
      }));
      return upsertListings(tx, records);
    });
    add(counts);
  };
  const reject = (line: number, reason: string) => {
    report.rejectedCount += 1;
    if (report.rejected.length < maxRejectedKept) report.rejected.push({ line, reason });
  };

  let lineNumber = 0;
  try {
    for await (const rawLine of lines) {
      lineNumber += 1;
      if (input.signal?.aborted) {
        report.aborted = true;
        break;
      }
      // A UTF-8 byte-order mark is not part of the first JSON value.
      const text = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, "") : rawLine;
      if (text.trim() === "") continue;
      const result = parseListingLine(text);
      if (!result.ok) {
        reject(lineNumber, result.reason);
        continue;
      }
      const organization = forcedOrganization ?? result.listing.organization;
      if (organization === undefined) {
        reject(lineNumber, "organization: required (set it on the line or pass -o)");
        continue;
      }
      if (!createOrganizations && !(await knownOrganization(organization))) {
        reject(lineNumber, `organization: ${unknownOrganizationMessage(organization)}`);
        continue;
      }
      const key = `${organization}\u0000${result.listing.externalId}`;
      if (batch.has(key)) await flush();
      batch.set(key, { organization, listing: result.listing });
      if (batch.size >= batchSize) await flush();
    }
    await flush();
  } finally {
    lines.close();
    await handle.close().catch(() => {});
  }
  return report;
}

function unknownOrganizationMessage(configId: string): string {
  return (
    `unknown organization ${JSON.stringify(configId)}: no organization has this config_id ` +
    "(check the spelling, or pass --create-organization to create it)"
  );
}

async function openListingsFile(filePath: string) {
  let handle;
  try {
    handle = await open(filePath, "r");
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : `${code ?? "unreadable"}`;
    throw new ValidationError(`Cannot read ${filePath}: ${why}`, "file");
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new ValidationError(`Cannot read ${filePath}: not a regular file`, "file");
  }
  return handle;
}
