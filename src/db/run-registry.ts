// Live runs (migration 009): who may hold claims in llm_enrichments. A run registers when it
// starts and unregisters when it ends; a claim whose run is not registered is free.
//
// PostgreSQL: each run holds a session-level advisory lock on a connection of its own. When
// the run's process dies or that connection drops, PostgreSQL releases the lock, and the next
// sweep by any run deletes the registration and frees its claims — no clock involved.
// PGlite has one session for everyone (also behind serve's socket, where every process takes
// turns on it), so a lock cannot tell runs apart: there a run is its process, recognised by
// pid and process start time on this host, and inside one process by its own list of runs.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { RunRegistration } from "../enrichment/pipeline/enrichment-store.js";
import type { Database, DedicatedSession } from "./database.js";
import { inOpenBatchSql } from "./batch-held-claims.js";

/** First key of every run's advisory lock ("llmr"); the second is llm_runs.lock_key. */
export const RUN_LOCK_NAMESPACE = 0x6c6c6d72;

/** Runs of this process that have not ended: the PGlite liveness of same-process runs. */
const runsOfThisProcess = new Set<string>();

const HOST = hostname();

/** Registers a run; on PostgreSQL it holds its advisory lock until end() or its death. */
export async function registerRun(db: Database, runId: string): Promise<RunRegistration> {
  const command = process.argv.slice(2, 3).join(" ").slice(0, 100) || null;
  if (db.kind === "postgres" && db.openSession !== undefined) {
    const session = await db.openSession(`rescue-llm run ${runId}`);
    try {
      const [row] = await session.query<{ key: number }>(
        "SELECT nextval('llm_run_lock_keys')::int AS key",
      );
      const key = row!.key;
      await session.query("SELECT pg_advisory_lock($1::int, $2::int)", [RUN_LOCK_NAMESPACE, key]);
      await session.query(
        `INSERT INTO llm_runs (run_id, lock_key, pid, host, process_started, command)
         VALUES ($1, $2, $3, $4, NULL, $5)`,
        [runId, key, process.pid, HOST, command],
      );
    } catch (error) {
      await session.close();
      throw error;
    }
    return postgresRegistration(db, session, runId);
  }
  runsOfThisProcess.add(runId);
  try {
    await db.query(
      `INSERT INTO llm_runs (run_id, lock_key, pid, host, process_started, command)
       VALUES ($1, NULL, $2, $3, $4, $5)`,
      [runId, process.pid, HOST, processStarted(process.pid) ?? null, command],
    );
  } catch (error) {
    runsOfThisProcess.delete(runId);
    throw error;
  }
  return {
    runId,
    onLost() {
      // A process cannot lose itself: its registration lives exactly as long as it does.
    },
    async end() {
      runsOfThisProcess.delete(runId);
      await db.query("DELETE FROM llm_runs WHERE run_id = $1", [runId]);
    },
  };
}

function postgresRegistration(
  db: Database,
  session: DedicatedSession,
  runId: string,
): RunRegistration {
  return {
    runId,
    onLost: (listener) => session.onLost(listener),
    async end() {
      try {
        // Through the pool: the lock's own connection may be the one that is gone.
        await db.query("DELETE FROM llm_runs WHERE run_id = $1", [runId]);
      } finally {
        await session.close();
      }
    },
  };
}

/**
 * Deletes the registrations of runs that are gone and frees their claims. Cheap enough to
 * run before every claim: one statement on PostgreSQL, one small read on PGlite.
 */
export async function sweepDeadRuns(db: Database): Promise<number> {
  if (db.kind === "postgres") {
    const rows = await db.query<{ n: number }>(
      `WITH dead AS (
         DELETE FROM llm_runs r
         WHERE r.lock_key IS NULL OR NOT EXISTS (
           SELECT 1 FROM pg_locks l
           WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
             AND l.classid = $1::int::oid AND l.objid = r.lock_key::oid)
         RETURNING r.run_id),
       freed AS (
         UPDATE llm_enrichments e SET claimed_by = NULL, claim_expires_at = NULL
         WHERE e.claimed_by IN (SELECT run_id FROM dead) AND NOT ${inOpenBatchSql("e")}
         RETURNING 1)
       SELECT (SELECT count(*) FROM dead)::int AS n`,
      [RUN_LOCK_NAMESPACE],
      { prepare: true },
    );
    return (rows[0]?.n ?? 0) + (await sweepGoneLocalProcesses(db));
  }
  const runs = await db.query<{
    run_id: string;
    pid: number;
    host: string;
    process_started: string | null;
  }>("SELECT run_id, pid, host, process_started FROM llm_runs");
  const dead = runs.filter((r) => !processRunAlive(r)).map((r) => r.run_id);
  return forgetRuns(db, dead);
}

/**
 * PostgreSQL: a run of this host whose process is gone (kill -9) is dead even while its lock
 * still shows — the server notices the dropped connection a moment later, and a rerun started
 * at once must not wait for that. (Hosts are told apart by name, as containers' are.)
 */
async function sweepGoneLocalProcesses(db: Database): Promise<number> {
  const runs = await db.query<{ run_id: string; pid: number }>(
    "SELECT run_id, pid FROM llm_runs WHERE host = $1 AND pid <> $2",
    [HOST, process.pid],
    { prepare: true },
  );
  const dead = runs.filter((r) => !pidExists(r.pid)).map((r) => r.run_id);
  return forgetRuns(db, dead);
}

/** Deletes these dead runs and frees their claims (not those on items in an open batch). */
async function forgetRuns(db: Database, dead: readonly string[]): Promise<number> {
  if (dead.length === 0) return 0;
  await db.transaction(async (tx) => {
    await tx.query("DELETE FROM llm_runs WHERE run_id = ANY($1::text[])", [dead]);
    await tx.query(
      `UPDATE llm_enrichments e SET claimed_by = NULL, claim_expires_at = NULL
       WHERE e.claimed_by = ANY($1::text[]) AND NOT ${inOpenBatchSql("e")}`,
      [dead],
    );
  });
  return dead.length;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== "ESRCH";
  }
}

/** PGlite: a run lives while its process does; another host's run cannot be seen (lease). */
function processRunAlive(run: {
  run_id: string;
  pid: number;
  host: string;
  process_started: string | null;
}): boolean {
  if (run.host !== HOST) return true;
  if (run.pid === process.pid) return runsOfThisProcess.has(run.run_id);
  if (!pidExists(run.pid)) return false;
  // The pid exists: it is the run's process unless the pid was reused since.
  const started = processStarted(run.pid);
  return run.process_started === null || started === undefined || started === run.process_started;
}

/** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat field 22). */
function processStarted(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}
