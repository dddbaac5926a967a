import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureOrganizations,
  findOrganizationByConfigId,
  listOrganizations,
  upsertOrganization,
} from "../../src/db/organization-store.js";
import type { TestDatabase } from "../support/test-databases.js";
import { createTestDatabase, DATABASE_KINDS } from "../support/test-databases.js";

describe.each(DATABASE_KINDS)("organization store on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());

  it("inserts with the config_id as the default name, then finds it", async () => {
    const created = await upsertOrganization(t.db, { configId: "happy-paws", country: "DE" });
    expect(created).toMatchObject({
      configId: "happy-paws",
      name: "happy-paws",
      country: "DE",
      city: null,
      active: true,
    });
    expect(await findOrganizationByConfigId(t.db, "happy-paws")).toEqual(created);
    expect(await findOrganizationByConfigId(t.db, "nobody")).toBeUndefined();
  });

  it("updates only the given fields, and leaves an unchanged row alone", async () => {
    const updated = await upsertOrganization(t.db, { configId: "happy-paws", name: "Happy Paws" });
    expect(updated).toMatchObject({ name: "Happy Paws", country: "DE" });
    const [before] = await t.db.query<{ updated_at: Date; xmin: string }>(
      "SELECT updated_at, xmin::text AS xmin FROM organizations WHERE config_id = 'happy-paws'",
    );
    const same = await upsertOrganization(t.db, { configId: "happy-paws", name: "Happy Paws" });
    expect(same).toEqual(updated);
    const [after] = await t.db.query<{ updated_at: Date; xmin: string }>(
      "SELECT updated_at, xmin::text AS xmin FROM organizations WHERE config_id = 'happy-paws'",
    );
    expect(after).toEqual(before);
  });

  it("ensures ids for config_ids without touching existing organizations", async () => {
    const ids = await ensureOrganizations(t.db, ["happy-paws", "new-shelter"]);
    expect([...ids.keys()].sort()).toEqual(["happy-paws", "new-shelter"]);
    const all = await listOrganizations(t.db);
    expect(all.map((o) => [o.configId, o.name])).toEqual([
      ["happy-paws", "Happy Paws"],
      ["new-shelter", "new-shelter"],
    ]);
    expect(ids.get("happy-paws")).toBe(all[0]?.id);
  });
});
