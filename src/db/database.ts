// The one port every store uses: parameterised SQL in, plain rows out.
// Adapters: pglite-database.ts (embedded default) and pg-database.ts (DATABASE_URL).

export interface QueryOptions {
  /**
   * Parse and plan once per connection, then reuse (a named prepared statement on
   * PostgreSQL; PGlite ignores it). For fixed texts run many times in a run — the pipeline's
   * claims, cache reads and result writes — never for text built from varying values.
   */
  readonly prepare?: boolean;
}

export interface Queryable {
  /** Runs one parameterised statement ($1, $2, …) and returns its rows. */
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A connection of its own, outside the pool, for session state such as advisory locks. */
export interface DedicatedSession extends Queryable {
  /** Called once if the connection is lost (terminated, network) before close(). */
  onLost(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  /**
   * PostgreSQL only: opens a connection outside the pool that lives until closed, named
   * `applicationName` in pg_stat_activity.
   */
  openSession?(applicationName: string): Promise<DedicatedSession>;
  /**
   * Runs `fn` in one transaction on one connection; rolls back if it throws. A transaction
   * with prepared statements may run `fn` a second time (see pg-database.ts), so such an
   * `fn` has no effects outside the transaction.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
