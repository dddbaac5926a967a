// One process per embedded database directory. PGlite is one process's Postgres: two
// processes that open the same directory overwrite each other's pages without an error
// (issue 12: an `import` beside `serve` printed "5 inserted" and the five were gone).
// proper-lockfile holds an atomic mkdir lock inside the directory and refreshes its mtime;
// a holder record beside it says who holds it — pid, host, command and, for `serve`, the
// Unix socket through which it shares the database (pglite-shared-database.ts).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import lockfile from "proper-lockfile";
import { DatabaseLockedError, DatabaseUnavailableError } from "../errors.js";

/** Postgres ignores files it does not know in its data directory; PGlite does too. */
export const LOCK_DIRECTORY_NAME = "rescue-llm.lock";
export const HOLDER_FILE_NAME = "rescue-llm.holder.json";
/** serve's socket directories are temporary directories named so. */
export const SOCKET_DIRECTORY_PREFIX = "rescue-llm-pglite-";

export interface DirectoryHolder {
  readonly pid: number;
  readonly hostname: string;
  /** What the holder runs, e.g. `rescue-llm serve` (arguments only: no environment, no secrets). */
  readonly command: string;
  readonly startedAt: string;
  /** Set by `serve`: the directory of its Unix socket `.s.PGSQL.5432` (pg's `host`). */
  readonly socketDir?: string;
}

export interface DirectoryLock {
  readonly holder: DirectoryHolder;
  /** Removes the holder record, then the lock. Safe to call twice. */
  release(): Promise<void>;
}

// A live holder refreshes its lock every UPDATE_MS. A holder we cannot check (another host
// on a shared disk, or no record yet) is presumed gone once its lock is STALE_MS old. A
// recorded holder on this host whose pid no longer exists crashed (kill -9, power cut): its
// lock is taken over once DEAD_HOLDER_STALE_MS old — proper-lockfile's minimum — so the
// next start waits two seconds at most. A live holder's lock is never taken over, however
// old: a busy PGlite can block its event loop, and taking over would be the data loss.
const UPDATE_MS = 5_000;
const STALE_MS = 30_000;
const DEAD_HOLDER_STALE_MS = 2_000;
/** How long to wait for a crashed holder's lock to go stale, or a new holder's record. */
const SETTLE_MS = 5_000;
const POLL_MS = 100;

export interface LockDirectoryOptions {
  /** Advertised in the holder record (serve). */
  readonly socketDir?: string;
}

/**
 * Locks `dataDir` for this process, or throws DatabaseLockedError naming the holder. A lock
 * left by a crashed process on this host is taken over (after at most two seconds).
 */
export async function lockPgliteDirectory(
  dataDir: string,
  options: LockDirectoryOptions = {},
): Promise<DirectoryLock> {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new DatabaseUnavailableError(
      `Cannot create the embedded database directory ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
      { cause: error },
    );
  }
  const lockfilePath = join(dataDir, LOCK_DIRECTORY_NAME);
  const settleBy = Date.now() + SETTLE_MS;
  for (;;) {
    const previous = readDirectoryHolder(dataDir);
    const state = holderState(previous);
    let unlock: () => Promise<void>;
    try {
      unlock = await lockfile.lock(dataDir, {
        lockfilePath,
        realpath: false,
        update: UPDATE_MS,
        stale: state === "alive" ? Infinity : state === "dead" ? DEAD_HOLDER_STALE_MS : STALE_MS,
        onCompromised: (error) => {
          // Another process took the directory over (our refreshes failed for STALE_MS).
          // Writing on would overwrite its pages: stop the process rather than lose data.
          throw new DatabaseLockedError(
            `Lost the lock on the embedded database ${dataDir} (${error.message}); ` +
              "stopping so that two processes do not write it at once",
          );
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") {
        throw new DatabaseUnavailableError(
          `Cannot lock the embedded database ${dataDir}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      // A crashed holder's lock goes stale shortly; a new holder writes its record at once.
      if (state !== "alive" && Date.now() < settleBy) {
        await sleep(POLL_MS);
        continue;
      }
      throw new DatabaseLockedError(lockedMessage(dataDir, previous));
    }
    const holder: DirectoryHolder = {
      pid: process.pid,
      hostname: hostname(),
      command: describeThisCommand(),
      startedAt: new Date().toISOString(),
      ...(options.socketDir !== undefined && { socketDir: options.socketDir }),
    };
    writeHolder(dataDir, holder);
    if (state === "dead") removeSocketDirectory(previous?.socketDir);
    let released = false;
    return {
      holder,
      async release() {
        if (released) return;
        released = true;
        const current = readDirectoryHolder(dataDir);
        if (current?.pid === holder.pid && current.startedAt === holder.startedAt) {
          rmSync(join(dataDir, HOLDER_FILE_NAME), { force: true });
        }
        // A compromised lock is no longer ours to remove.
        await unlock().catch(() => {});
      },
    };
  }
}

/** The holder record, or undefined when there is none (or it is unreadable). */
export function readDirectoryHolder(dataDir: string): DirectoryHolder | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dataDir, HOLDER_FILE_NAME), "utf8"));
  } catch {
    return undefined;
  }
  const h = parsed as Partial<DirectoryHolder> | null;
  if (
    h === null ||
    typeof h !== "object" ||
    !Number.isInteger(h.pid) ||
    typeof h.hostname !== "string" ||
    typeof h.command !== "string" ||
    typeof h.startedAt !== "string"
  ) {
    return undefined;
  }
  return h as DirectoryHolder;
}

/** `alive` also when we cannot tell (another host): only a pid we can see gone is `dead`. */
export function holderState(holder: DirectoryHolder | undefined): "alive" | "dead" | "unknown" {
  if (holder === undefined) return "unknown";
  if (holder.hostname !== hostname()) return "alive";
  try {
    process.kill(holder.pid, 0);
    return "alive";
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? "alive" : "dead";
  }
}

export function describeHolder(holder: DirectoryHolder): string {
  const host = holder.hostname === hostname() ? "" : ` on ${holder.hostname}`;
  return `pid ${holder.pid}${host} (${holder.command}, since ${holder.startedAt})`;
}

function lockedMessage(dataDir: string, holder: DirectoryHolder | undefined): string {
  const who =
    holder === undefined
      ? `a process that left no record in ${join(dataDir, HOLDER_FILE_NAME)} ` +
        `(if none is running, the lock ${join(dataDir, LOCK_DIRECTORY_NAME)} is released ` +
        `${STALE_MS / 1000} s after its last refresh)`
      : describeHolder(holder);
  return (
    `The embedded database ${dataDir} is in use by ${who}. PGlite allows one process per ` +
    "data directory: a second one would overwrite its writes. Stop that process or wait " +
    "for it to finish; or run `rescue-llm serve`, which shares its embedded database with " +
    "CLI commands; or set DATABASE_URL to use PostgreSQL for concurrent use."
  );
}

/** A serve killed with -9 left its socket directory behind; only ours are removed. */
function removeSocketDirectory(socketDir: string | undefined): void {
  if (socketDir === undefined || !basename(socketDir).startsWith(SOCKET_DIRECTORY_PREFIX)) return;
  rmSync(socketDir, { recursive: true, force: true });
}

function writeHolder(dataDir: string, holder: DirectoryHolder): void {
  // Write then rename, so a reader never sees half a record.
  const temporary = join(dataDir, `${HOLDER_FILE_NAME}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  renameSync(temporary, join(dataDir, HOLDER_FILE_NAME));
}

/** `rescue-llm import more.jsonl`, or the script's name and arguments for other programs. */
function describeThisCommand(): string {
  const script = process.argv[1] ?? process.argv0;
  const program = /[\\/]cli[\\/]main\.[cm]?[jt]s$/.test(script) ? "rescue-llm" : basename(script);
  const text = [program, ...process.argv.slice(2)].join(" ");
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
