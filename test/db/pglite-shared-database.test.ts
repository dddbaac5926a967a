// serve's shared embedded database: clients over pglite-socket take turns on PGlite's one
// session per exchange and per transaction. In-process (the socket is real); the same with
// real processes is in test/cli/embedded-database-processes.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { openDatabase } from "../../src/db/open-database.js";
import { readDirectoryHolder } from "../../src/db/pglite-directory-lock.js";
import { LastMessageTracker } from "../../src/db/pglite-session-turns.js";

describe("a serve's shared embedded database", () => {
  const root = mkdtempSync(join(tmpdir(), "rescue-llm-shared-"));
  const dataDir = join(root, "data");
  let serve: Database;
  let cli: Database;
  let other: Database;
  beforeAll(async () => {
    serve = await openDatabase({ databaseUrl: undefined, dataDir }, { shareEmbedded: true });
    cli = await openDatabase({ databaseUrl: undefined, dataDir });
    other = await openDatabase({ databaseUrl: undefined, dataDir });
    await serve.exec("CREATE TABLE turns (client text, n int)");
  }, 180_000); // three opens of a fresh PGlite directory (initdb in WASM, then migrations)
  afterAll(async () => {
    await other.close();
    await cli.close();
    await serve.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("advertises its socket in the holder record, and commands join it", () => {
    const holder = readDirectoryHolder(dataDir);
    expect(holder?.socketDir).toMatch(/rescue-llm-pglite-/);
    expect(cli.kind).toBe("pglite");
  });

  it("keeps each client's query whole: large parameters beside small ones", async () => {
    // A 500 kB Bind arrives in many socket chunks. pglite-socket alone let other clients'
    // Parse messages in between, and this failed with "invalid input syntax for type integer".
    const big = "y".repeat(500_000);
    const clients = [serve, cli, other];
    const results = await Promise.all([
      ...[cli, other].map((db) =>
        db.query<{ n: number }>("SELECT length($1::text) AS n", [big]).then((r) => r[0]?.n),
      ),
      ...Array.from({ length: 20 }, (_, i) =>
        clients[i % 3]!.query<{ v: number }>("SELECT $1::int AS v", [i]).then((r) => r[0]?.v),
      ),
    ]);
    expect(results).toEqual([big.length, big.length, ...Array.from({ length: 20 }, (_, i) => i)]);
  });

  it("answers another client after a transaction commits, never inside it", async () => {
    let seen: Promise<number | undefined> | undefined;
    await cli.transaction(async (tx) => {
      await tx.query("INSERT INTO turns VALUES ('tx', 1)");
      // Asked while the transaction is open: inside it, the answer would be 1 to 4.
      seen = other
        .query<{ n: number }>("SELECT count(*)::int AS n FROM turns WHERE client = 'tx'")
        .then((r) => r[0]?.n);
      for (let i = 2; i <= 5; i += 1) await tx.query("INSERT INTO turns VALUES ('tx', $1)", [i]);
    });
    expect(await seen).toBe(5);
  });

  it("rolls back a client's failed transaction without touching the others' work", async () => {
    await serve.query("INSERT INTO turns VALUES ('serve', 10)");
    await expect(
      cli.transaction(async (tx) => {
        await tx.query("INSERT INTO turns VALUES ('cli', 11)");
        await tx.query("SELECT 1/0");
      }),
    ).rejects.toThrow(/division by zero/);
    const rows = await other.query<{ client: string; n: number }>(
      "SELECT client, n FROM turns WHERE n >= 10 ORDER BY n",
    );
    expect(rows).toEqual([{ client: "serve", n: 10 }]);
  });
});

describe("LastMessageTracker", () => {
  const message = (type: string, body: number[]) => {
    const bytes = new Uint8Array(5 + body.length);
    bytes[0] = type.charCodeAt(0);
    new DataView(bytes.buffer).setInt32(1, 4 + body.length);
    bytes.set(body, 5);
    return bytes;
  };
  const concat = (...parts: Uint8Array[]) => {
    const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  };

  it("finds the status of a final ReadyForQuery across any chunking", () => {
    // A DataRow whose bytes look like ReadyForQuery 'I' must not fool it.
    const fake = [0x5a, 0, 0, 0, 5, 0x49];
    const stream = concat(
      message("D", [0, 1, 0, 0, 0, 6, ...fake]),
      message("C", [...Buffer.from("SELECT 1"), 0]),
      message("Z", [0x54]),
    );
    for (const size of [1, 2, 3, 7, stream.length]) {
      const tracker = new LastMessageTracker();
      for (let i = 0; i < stream.length; i += size) tracker.push(stream.subarray(i, i + size));
      expect(tracker.readyStatus()).toBe(0x54);
    }
  });

  it("reports no status while the last message is not ReadyForQuery or not complete", () => {
    const tracker = new LastMessageTracker();
    tracker.push(message("1", []));
    expect(tracker.readyStatus()).toBeUndefined();
    const ready = message("Z", [0x49]);
    tracker.push(ready.subarray(0, 5));
    expect(tracker.readyStatus()).toBeUndefined();
    tracker.push(ready.subarray(5));
    expect(tracker.readyStatus()).toBe(0x49);
  });
});
