// The embedded data directory is one process's (issue 12: two processes on one PGlite
// directory lost data silently). In-process checks of the lock and its holder record;
// test/cli/embedded-database-processes.test.ts runs the same with real processes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open-database.js";
import {
  HOLDER_FILE_NAME,
  LOCK_DIRECTORY_NAME,
  lockPgliteDirectory,
  readDirectoryHolder,
} from "../../src/db/pglite-directory-lock.js";
import { openPgliteDatabase } from "../../src/db/pglite-database.js";
import { DatabaseLockedError } from "../../src/errors.js";
import { exitCodeFor } from "../../src/cli/exit-codes.js";

const root = mkdtempSync(join(tmpdir(), "rescue-llm-lock-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `data-${++n}`);

/** The pid of a process that has exited: a crashed holder. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

// A fresh PGlite directory runs initdb in WASM: tens of seconds on a busy machine.
const OPENS_PGLITE_MS = 180_000;

describe("PGlite data directory lock", () => {
  const dataDir = freshDir();

  it(
    "refuses a second open of a held directory, naming it, the holder and the way out",
    async () => {
      const first = await openPgliteDatabase(dataDir);
      try {
        const holder = readDirectoryHolder(dataDir);
        expect(holder).toMatchObject({ pid: process.pid, hostname: hostname() });
        const second = await openPgliteDatabase(dataDir).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(second).toBeInstanceOf(DatabaseLockedError);
        const message = (second as Error).message;
        expect(message).toContain(dataDir);
        expect(message).toContain(`pid ${process.pid}`);
        expect(message).toContain(holder?.command);
        expect(message).toContain("DATABASE_URL");
        expect(message).toContain("rescue-llm serve");
        expect(exitCodeFor(second)).toBe(2);
        // The first is untouched and still works.
        expect(await first.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
      } finally {
        await first.close();
      }
      // Closing releases both the lock and the record.
      expect(existsSync(join(dataDir, LOCK_DIRECTORY_NAME))).toBe(false);
      expect(existsSync(join(dataDir, HOLDER_FILE_NAME))).toBe(false);
    },
    OPENS_PGLITE_MS,
  );

  it(
    "openDatabase refuses too: without a sharing serve there is no way in",
    async () => {
      const first = await openDatabase({ databaseUrl: undefined, dataDir });
      try {
        await expect(openDatabase({ databaseUrl: undefined, dataDir })).rejects.toBeInstanceOf(
          DatabaseLockedError,
        );
      } finally {
        await first.close();
      }
    },
    OPENS_PGLITE_MS,
  );

  it("takes over the lock of a holder that crashed (its pid is gone)", async () => {
    const dataDir = freshDir();
    mkdirSync(join(dataDir, LOCK_DIRECTORY_NAME), { recursive: true });
    const crashed = {
      pid: deadPid(),
      hostname: hostname(),
      command: "rescue-llm import lost.jsonl",
      startedAt: new Date().toISOString(),
    };
    writeFileSync(join(dataDir, HOLDER_FILE_NAME), JSON.stringify(crashed));
    const lock = await lockPgliteDirectory(dataDir);
    expect(lock.holder.pid).toBe(process.pid);
    expect(readDirectoryHolder(dataDir)?.pid).toBe(process.pid);
    await lock.release();
  });

  it("does not take over a live holder's lock however old it is", async () => {
    const dataDir = freshDir();
    mkdirSync(join(dataDir, LOCK_DIRECTORY_NAME), { recursive: true });
    const old = new Date(Date.now() - 24 * 3600_000);
    // This process is alive: a record naming it must win over the lock's age.
    writeFileSync(
      join(dataDir, HOLDER_FILE_NAME),
      JSON.stringify({
        pid: process.pid,
        hostname: hostname(),
        command: "rescue-llm translate",
        startedAt: old.toISOString(),
      }),
    );
    const { utimesSync } = await import("node:fs");
    utimesSync(join(dataDir, LOCK_DIRECTORY_NAME), old, old);
    await expect(lockPgliteDirectory(dataDir)).rejects.toThrow(/rescue-llm translate/);
  });
});
