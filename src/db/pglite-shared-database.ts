// `rescue-llm serve` shares its embedded database with CLI commands: it holds the data
// directory's lock, opens PGlite once, and serves it on a Unix socket (pglite-socket) in a
// private temporary directory named in the lock's holder record. A CLI command that finds
// the directory held by such a serve connects there with `pg` instead of opening the files.
// serve itself uses the same socket, so every client — the API, its jobs, each CLI
// command — takes turns on PGlite's one session per transaction (pglite-session-turns.ts).
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { DatabaseUnavailableError } from "../errors.js";
import type { Database, Queryable, QueryOptions } from "./database.js";
import { openPgDatabase } from "./pg-database.js";
import {
  describeHolder,
  holderState,
  lockPgliteDirectory,
  readDirectoryHolder,
  SOCKET_DIRECTORY_PREFIX,
  type DirectoryHolder,
} from "./pglite-directory-lock.js";
import { withSessionTurns } from "./pglite-session-turns.js";

/** pg finds a Unix socket as `<host>/.s.PGSQL.<port>`. */
const SOCKET_PORT = 5432;
/** Connections per process: queries take turns on one session, more would only queue. */
const CONNECTIONS_PER_CLIENT = 4;
/** Socket clients at once (serve + CLI commands); pglite-socket refuses beyond this. */
const MAX_SOCKET_CLIENTS = 64;
/** How long a CLI command waits for a starting serve to answer on its socket. */
const JOIN_WAIT_MS = 30_000;
const JOIN_POLL_MS = 200;

/** serve's side: lock the directory, open PGlite, share it, and use it through the socket. */
export async function openSharedPgliteDatabase(dataDir: string): Promise<Database> {
  // mkdtemp makes the directory 0700: only this user can reach the socket inside it.
  const socketDir = mkdtempSync(join(tmpdir(), SOCKET_DIRECTORY_PREFIX));
  const undo: (() => Promise<void>)[] = [() => rm(socketDir, { recursive: true, force: true })];
  const unwind = async () => {
    const steps = undo.splice(0).reverse();
    for (const step of steps) await step().catch(() => {});
  };
  try {
    const lock = await lockPgliteDirectory(dataDir, { socketDir });
    undo.push(() => lock.release());
    const pglite = new PGlite(dataDir);
    await pglite.waitReady;
    undo.push(() => pglite.close());
    const server = new PGLiteSocketServer({
      db: withSessionTurns(pglite),
      path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
      maxConnections: MAX_SOCKET_CLIENTS,
    });
    await server.start();
    // Stopping cuts CLI clients off; a transaction of theirs in flight is rolled back.
    undo.push(() => server.stop());
    const db = await openPgDatabase(socketUrl(socketDir), {
      maxConnections: CONNECTIONS_PER_CLIENT,
      prepareStatements: false,
    });
    undo.push(() => db.close());
    return { ...db, kind: "pglite", close: unwind };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/**
 * A CLI command's side: connect to the serve that holds `dataDir`. Waits while serve is
 * starting; undefined when the holder went away meanwhile (the caller tries the lock again).
 */
export async function joinSharedPgliteDatabase(
  dataDir: string,
  holder: DirectoryHolder & { socketDir: string },
): Promise<Database | undefined> {
  const deadline = Date.now() + JOIN_WAIT_MS;
  for (;;) {
    try {
      const db = await openPgDatabase(socketUrl(holder.socketDir), {
        maxConnections: CONNECTIONS_PER_CLIENT,
        prepareStatements: false,
      });
      return { ...explainFailures(db, dataDir, holder), kind: "pglite", close: () => db.close() };
    } catch (error) {
      if (!unreachable(error)) throw error;
      const current = readDirectoryHolder(dataDir);
      const same = current?.pid === holder.pid && current.startedAt === holder.startedAt;
      if (!same || holderState(current) !== "alive") return undefined;
      if (Date.now() > deadline) {
        throw new DatabaseUnavailableError(
          `The embedded database ${dataDir} is held by ${describeHolder(holder)}, which ` +
            `offers it on ${holder.socketDir} but did not answer there within ` +
            `${JOIN_WAIT_MS / 1000} s. Check that it is running normally, or stop it.`,
          { cause: error },
        );
      }
      await sleep(JOIN_POLL_MS);
    }
  }
}

/** The holder record of a serve on this host that shares the directory, if there is one. */
export function sharingHolder(
  dataDir: string,
): (DirectoryHolder & { socketDir: string }) | undefined {
  const holder = readDirectoryHolder(dataDir);
  if (holder?.socketDir === undefined || holder.hostname !== hostname()) return undefined;
  if (holderState(holder) !== "alive") return undefined;
  return { ...holder, socketDir: holder.socketDir };
}

/** serve not listening yet (no socket file) or gone (refused, reset). */
function unreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof DatabaseUnavailableError || code === "ENOENT" || code === "ECONNREFUSED";
}

function socketUrl(socketDir: string): string {
  return `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`;
}

/**
 * pg's connection errors name localhost:5432 (or none at all when serve closes the socket);
 * when the serve that shared the database is gone, say so.
 */
function explainFailures(db: Database, dataDir: string, holder: DirectoryHolder): Database {
  const explained = new WeakSet<object>();
  const explain = (error: unknown): unknown => {
    if (typeof error === "object" && error !== null && explained.has(error)) return error;
    const current = readDirectoryHolder(dataDir);
    const stillServing =
      current?.pid === holder.pid &&
      current.startedAt === holder.startedAt &&
      holderState(current) === "alive";
    if (stillServing) return error;
    const lost = new DatabaseUnavailableError(
      `Lost the embedded database ${dataDir} shared by ${describeHolder(holder)}: it stopped. ` +
        "Work committed before this point is kept; run the command again.",
      { cause: error },
    );
    explained.add(lost);
    return lost;
  };
  const wrap = (q: Queryable): Queryable => ({
    async query<Row>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
      try {
        return await q.query<Row>(sql, params, options);
      } catch (error) {
        throw explain(error);
      }
    },
    async exec(sql) {
      try {
        await q.exec(sql);
      } catch (error) {
        throw explain(error);
      }
    },
  });
  return {
    ...db,
    ...wrap(db),
    async transaction(fn) {
      try {
        return await db.transaction((tx) => fn(wrap(tx)));
      } catch (error) {
        throw explain(error);
      }
    },
  };
}
