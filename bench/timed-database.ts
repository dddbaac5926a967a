// Wraps the Database port to measure the wall time during which at least one database
// operation is outstanding (overlapping operations count once), so the benchmark can
// report the database's share of wall time. BENCH_TRACE_DB=1 also prints, at exit, each
// statement's count and mean time (overlaps counted per statement), to see where it goes.
import type { Database, Queryable } from "../src/db/database.js";

export interface TimedDatabase extends Database {
  /** Milliseconds with at least one query or transaction in flight. */
  readonly busyMs: number;
}

export function timeDatabase(db: Database): TimedDatabase {
  let busyMs = 0;
  let inFlight = 0;
  let busySince = 0;
  const byStatement = new Map<string, { count: number; ms: number }>();
  const timed = async <T>(fn: () => Promise<T>, label = "transaction"): Promise<T> => {
    const start = performance.now();
    if (inFlight++ === 0) busySince = start;
    try {
      return await fn();
    } finally {
      const end = performance.now();
      if (--inFlight === 0) busyMs += end - busySince;
      const s = byStatement.get(label) ?? { count: 0, ms: 0 };
      s.count += 1;
      s.ms += end - start;
      byStatement.set(label, s);
    }
  };
  if (process.env.BENCH_TRACE_DB) {
    process.on("exit", () => {
      for (const [label, s] of byStatement)
        process.stderr.write(
          `db ${s.count} × ${(s.ms / s.count).toFixed(2)} ms = ${s.ms.toFixed(0)} ms: ${label}\n`,
        );
    });
  }
  return {
    kind: db.kind,
    query: (sql, params, options) =>
      timed(() => db.query(sql, params, options), sql.replace(/\s+/g, " ").slice(0, 70)),
    exec: (sql) => timed(() => db.exec(sql), "exec"),
    // Statements inside a transaction count once, as the whole transaction; with
    // BENCH_TRACE_DB each is also listed on its own ("in tx").
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      timed(() =>
        db.transaction((tx) =>
          fn(process.env.BENCH_TRACE_DB ? traceStatements(tx, byStatement) : tx),
        ),
      ),
    close: () => db.close(),
    get busyMs() {
      return busyMs;
    },
  };
}

function traceStatements(
  tx: Queryable,
  byStatement: Map<string, { count: number; ms: number }>,
): Queryable {
  return {
    exec: (sql) => tx.exec(sql),
    query: async (sql, params, options) => {
      const start = performance.now();
      try {
        return await tx.query(sql, params, options);
      } finally {
        const label = `in tx: ${sql.replace(/\s+/g, " ").slice(0, 62)}`;
        const s = byStatement.get(label) ?? { count: 0, ms: 0 };
        s.count += 1;
        s.ms += performance.now() - start;
        byStatement.set(label, s);
      }
    },
  };
}
