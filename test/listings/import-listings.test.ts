import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOrganizations } from "../../src/db/organization-store.js";
import { NotFoundError, ValidationError } from "../../src/errors.js";
import { importListings } from "../../src/listings/import-listings.js";
import type { TestDatabase } from "../support/test-databases.js";
import { createTestDatabase, DATABASE_KINDS } from "../support/test-databases.js";
import { sharedDataFile } from "../../src/testing/shared-data.js";

const SHARED_LISTINGS = sharedDataFile("listings.jsonl");
const sharedLines = readFileSync(SHARED_LISTINGS, "utf8").trimEnd().split("\n");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rescue-llm-import-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeJsonl(name: string, lines: readonly (string | object)[]): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n",
  );
  return path;
}

describe.each(DATABASE_KINDS)("importListings on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());

  describe("the shared listings file", () => {
    it("imports every line as is, creating its organizations when asked to", async () => {
      const report = await importListings(
        { db: t.db },
        { filePath: SHARED_LISTINGS, createOrganizations: true },
      );
      expect(report).toEqual({
        inserted: 2369,
        updated: 0,
        unchanged: 0,
        rejectedCount: 0,
        rejected: [],
        aborted: false,
      });
      const orgs = await listOrganizations(t.db);
      expect(orgs.map((o) => [o.configId, o.name]).sort()).toEqual([
        ["petfinder-my", "petfinder-my"],
        ["petfinder-us", "petfinder-us"],
        ["tierheim-de-2013", "tierheim-de-2013"],
        ["tierheim-muenchen", "tierheim-muenchen"],
      ]);
      const counts = await t.db.query<{ organization: string; n: number }>(
        `SELECT o.config_id AS organization, count(*)::int AS n FROM animals a
         JOIN organizations o ON o.id = a.organization_id GROUP BY 1 ORDER BY 1`,
      );
      expect(counts).toEqual([
        { organization: "petfinder-my", n: 2109 },
        { organization: "petfinder-us", n: 202 },
        { organization: "tierheim-de-2013", n: 4 },
        { organization: "tierheim-muenchen", n: 54 },
      ]);
    });

    it("stores each line's description and unknown fields in properties, untouched", async () => {
      const source = JSON.parse(sharedLines[0] as string) as Record<string, unknown>;
      const [row] = await t.db.query<Record<string, unknown>>(
        `SELECT name, breed, age_text, sex, size, language, adoption_url, properties
         FROM animals WHERE external_id = $1`,
        [source.external_id],
      );
      const {
        external_id: _id,
        organization: _org,
        name,
        breed,
        age_text,
        sex,
        size,
        language,
        ...rest
      } = source;
      expect(row).toEqual({
        name,
        breed,
        age_text,
        sex,
        size,
        language,
        adoption_url: null,
        properties: rest,
      });
      expect(rest).toHaveProperty("description");
      expect(rest).toHaveProperty("quantity");
      expect(rest).toHaveProperty("color");

      // Every description arrives byte for byte.
      const stored = await t.db.query<{ external_id: string; description: string }>(
        "SELECT external_id, properties->>'description' AS description FROM animals",
      );
      const byId = new Map(stored.map((r) => [r.external_id, r.description]));
      for (const line of sharedLines) {
        const listing = JSON.parse(line) as { external_id: string; description: string };
        expect(byId.get(listing.external_id)).toBe(listing.description);
      }
    });

    it("stores missing values as NULL, never as the text None", async () => {
      const [nones] = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM animals
         WHERE 'None' IN (name, breed, age_text, sex, size, language, adoption_url)
            OR properties::text LIKE '%"None"%'`,
      );
      // The source itself has one listing literally named "None" (line 1423); we add none.
      const sourceNones = sharedLines.filter((line) => line.includes('"None"')).length;
      expect(sourceNones).toBe(1);
      expect(nones?.n).toBe(sourceNones);
      const [nulls] = await t.db.query<{ no_breed: number; no_age: number; unnamed: number }>(
        `SELECT count(*) FILTER (WHERE breed IS NULL)::int AS no_breed,
                count(*) FILTER (WHERE age_text IS NULL)::int AS no_age,
                count(*) FILTER (WHERE name = '')::int AS unnamed
         FROM animals`,
      );
      expect(nulls).toEqual({ no_breed: 3, no_age: 206, unnamed: 749 });
    });

    it("changes nothing when the same file is imported again", async () => {
      const before = await t.db.query<{ id: number; updated_at: Date; xmin: string }>(
        "SELECT id, updated_at, xmin::text AS xmin FROM animals ORDER BY id",
      );
      const report = await importListings({ db: t.db }, { filePath: SHARED_LISTINGS });
      expect(report).toMatchObject({ inserted: 0, updated: 0, unchanged: 2369, rejectedCount: 0 });
      const after = await t.db.query<{ id: number; updated_at: Date; xmin: string }>(
        "SELECT id, updated_at, xmin::text AS xmin FROM animals ORDER BY id",
      );
      // Same xmin: no row was even rewritten, let alone changed.
      expect(after).toEqual(before);
    });

    it("updates only the listings whose content changed", async () => {
      const changed = sharedLines
        .slice(0, 3)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      changed[0] = { ...changed[0], description: "A new description." };
      changed[1] = { ...changed[1], quantity: 99 };
      const before = await t.db.query<{ external_id: string; updated_at: Date }>(
        "SELECT external_id, updated_at FROM animals WHERE external_id = ANY($1::text[]) ORDER BY 1",
        [changed.map((c) => c.external_id)],
      );
      const report = await importListings(
        { db: t.db },
        { filePath: writeJsonl("changed.jsonl", changed) },
      );
      expect(report).toMatchObject({ inserted: 0, updated: 2, unchanged: 1 });
      const after = await t.db.query<{
        external_id: string;
        updated_at: Date;
        description: string;
      }>(
        `SELECT external_id, updated_at, properties->>'description' AS description
         FROM animals WHERE external_id = ANY($1::text[]) ORDER BY 1`,
        [changed.map((c) => c.external_id)],
      );
      const moved = after.filter(
        (row, i) => row.updated_at.getTime() !== before[i]?.updated_at.getTime(),
      );
      expect(moved.map((r) => r.external_id).sort()).toEqual(
        [changed[0]?.external_id, changed[1]?.external_id].sort(),
      );
      expect(after.find((r) => r.external_id === changed[0]?.external_id)?.description).toBe(
        "A new description.",
      );
    });
  });

  it("rejects bad lines with their line number and reason, and imports the rest", async () => {
    const ok = (id: string) => ({
      external_id: id,
      organization: "bad-lines",
      name: id,
      description: "Fine.",
    });
    const path = writeJsonl("bad.jsonl", [
      ok("b-1"),
      "{not json",
      { external_id: "b-3", organization: "bad-lines", description: "No name key." },
      { external_id: "b-4", organization: "bad-lines", name: "Rex" },
      { ...ok("b-5"), description: 42 },
      "",
      { ...ok("b-7"), breed: ["Beagle"] },
      { external_id: "b-8", name: "Orphan", description: "No organization." },
      "[]",
      ok("b-10"),
    ]);
    const report = await importListings(
      { db: t.db },
      { filePath: path, createOrganizations: true },
    );
    expect(report.inserted).toBe(2);
    expect(report.rejectedCount).toBe(7);
    expect(report.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 7, 8, 9]);
    const reasons = report.rejected.map((r) => r.reason);
    expect(reasons[0]).toMatch(/^invalid JSON/);
    expect(reasons.slice(1)).toEqual([
      "name: required (use null when the listing has no name)",
      "description: required",
      "description: expected a string, got number",
      "breed: expected a string or null, got array",
      "organization: required (set it on the line or pass -o)",
      "expected a JSON object, got array",
    ]);
    const rows = await t.db.query<{ external_id: string }>(
      `SELECT a.external_id FROM animals a JOIN organizations o ON o.id = a.organization_id
       WHERE o.config_id = 'bad-lines' ORDER BY 1`,
    );
    expect(rows.map((r) => r.external_id)).toEqual(["b-1", "b-10"]);
  });

  it("puts every listing under -o, whatever the line says", async () => {
    const path = writeJsonl("forced.jsonl", [
      { external_id: "f-1", organization: "somewhere-else", name: "A", description: "One." },
      { external_id: "f-2", name: "B", description: "Two." },
    ]);
    const report = await importListings(
      { db: t.db },
      { filePath: path, organization: "forced-org", createOrganizations: true },
    );
    expect(report).toMatchObject({ inserted: 2, rejectedCount: 0 });
    const rows = await t.db.query<{ config_id: string }>(
      `SELECT DISTINCT o.config_id FROM animals a JOIN organizations o ON o.id = a.organization_id
       WHERE a.external_id IN ('f-1', 'f-2')`,
    );
    expect(rows).toEqual([{ config_id: "forced-org" }]);
    expect((await listOrganizations(t.db)).some((o) => o.configId === "somewhere-else")).toBe(
      false,
    );
  });

  it("lets a later line win over an earlier one for the same listing, across batch edges", async () => {
    const line = (description: string) => ({
      external_id: "dup-1",
      organization: "dups",
      name: "Dup",
      description,
    });
    const path = writeJsonl("dups.jsonl", [
      line("first"),
      line("second"),
      { ...line("other"), external_id: "dup-2" },
      line("third"),
    ]);
    const report = await importListings(
      { db: t.db },
      { filePath: path, batchSize: 2, createOrganizations: true },
    );
    expect(report).toMatchObject({ inserted: 2, updated: 2, unchanged: 0, rejectedCount: 0 });
    const rows = await t.db.query<{ description: string }>(
      "SELECT properties->>'description' AS description FROM animals WHERE external_id = 'dup-1'",
    );
    expect(rows).toEqual([{ description: "third" }]);
  });

  it("refuses an unknown -o before writing anything, naming it and how to create it", async () => {
    const path = writeJsonl("typo.jsonl", [{ external_id: "t-1", name: "A", description: "One." }]);
    const before = await listOrganizations(t.db);
    const refused = await importListings(
      { db: t.db },
      { filePath: path, organization: "petfindr-my" },
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(NotFoundError);
    expect((refused as Error).message).toContain('"petfindr-my"');
    expect((refused as Error).message).toContain("--create-organization");
    expect(await listOrganizations(t.db)).toEqual(before);
    const rows = await t.db.query("SELECT 1 FROM animals WHERE external_id = 't-1'");
    expect(rows).toEqual([]);
  });

  it("imports under an existing -o without being asked to create it", async () => {
    const path = writeJsonl("existing.jsonl", [
      { external_id: "e-1", organization: "elsewhere", name: "A", description: "One." },
    ]);
    // "forced-org" exists since the -o test above created it.
    const report = await importListings(
      { db: t.db },
      { filePath: path, organization: "forced-org" },
    );
    expect(report).toMatchObject({ inserted: 1, rejectedCount: 0 });
  });

  it("rejects the lines naming an unknown organization, with their numbers, and keeps the rest", async () => {
    const path = writeJsonl("line-orgs.jsonl", [
      { external_id: "lo-1", organization: "forced-org", name: "A", description: "One." },
      { external_id: "lo-2", organization: "forcd-org", name: "B", description: "Two." },
      { external_id: "lo-3", organization: "forced-org", name: "C", description: "Three." },
      { external_id: "lo-4", organization: "forcd-org", name: "D", description: "Four." },
    ]);
    const report = await importListings({ db: t.db }, { filePath: path });
    expect(report).toMatchObject({ inserted: 2, rejectedCount: 2 });
    expect(report.rejected.map((r) => r.line)).toEqual([2, 4]);
    for (const r of report.rejected) {
      expect(r.reason).toContain('organization: unknown organization "forcd-org"');
    }
    expect((await listOrganizations(t.db)).some((o) => o.configId === "forcd-org")).toBe(false);
  });

  it("keeps only the first rejected lines but counts them all", async () => {
    const path = writeJsonl(
      "many-bad.jsonl",
      Array.from({ length: 30 }, () => "oops"),
    );
    const report = await importListings({ db: t.db }, { filePath: path, maxRejectedKept: 5 });
    expect(report.rejectedCount).toBe(30);
    expect(report.rejected.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses a missing file or a directory with a ValidationError", async () => {
    await expect(
      importListings({ db: t.db }, { filePath: join(dir, "missing.jsonl") }),
    ).rejects.toThrow(ValidationError);
    await expect(importListings({ db: t.db }, { filePath: dir })).rejects.toThrow(
      /not a regular file/,
    );
  });
});
