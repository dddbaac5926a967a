-- Live runs (issue 15). Forward-only.
--
-- A claim in llm_enrichments.claimed_by names one run. A run registers here when it starts
-- and deletes its row when it ends; a claim whose run has no row is free at once.
-- PostgreSQL: the run holds the session-level advisory lock (lock_namespace, lock_key) on a
-- connection of its own for as long as it lives; a row whose lock nobody holds belongs to a
-- dead run (crashed, killed, its connection dropped) and is swept with its claims.
-- PGlite (one session for everyone, also behind serve's socket): a run is its process — pid
-- and process start time on this host.
-- The claim's lease (claim_expires_at) stays as the backstop where neither can be seen.
CREATE SEQUENCE IF NOT EXISTS llm_run_lock_keys AS integer MINVALUE 1 MAXVALUE 2147483647 CYCLE;

CREATE TABLE IF NOT EXISTS llm_runs (
  run_id VARCHAR(100) PRIMARY KEY,
  -- the advisory lock's second key (the first is a constant namespace); NULL on PGlite
  lock_key INTEGER,
  pid INTEGER NOT NULL,
  host VARCHAR(255) NOT NULL,
  -- the process's start, to tell a reused pid from the run's own process (PGlite)
  process_started VARCHAR(64),
  command VARCHAR(100),
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_llm_enrichments_claimed_by
  ON llm_enrichments (claimed_by) WHERE claimed_by IS NOT NULL;
