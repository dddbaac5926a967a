// Wraps the Database port to measure the wall time during which at least one database
// operation is outstanding (overlapping operations count once), so the benchmark can
// report the database's share of wall time.
import type { Database, Queryable } from "../src/db/database.js";

export interface TimedDatabase extends Database {
  /** Milliseconds with at least one query or transaction in flight. */
  readonly busyMs: number;
}

export function timeDatabase(db: Database): TimedDatabase {
  let busyMs = 0;
  let inFlight = 0;
  let busySince = 0;
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (inFlight++ === 0) busySince = performance.now();
    try {
      return await fn();
    } finally {
      if (--inFlight === 0) busyMs += performance.now() - busySince;
    }
  };
  return {
    kind: db.kind,
    query: (sql, params) => timed(() => db.query(sql, params)),
    exec: (sql) => timed(() => db.exec(sql)),
    // Statements inside a transaction are not timed again: the whole transaction is.
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => timed(() => db.transaction(fn)),
    close: () => db.close(),
    get busyMs() {
      return busyMs;
    },
  };
}
