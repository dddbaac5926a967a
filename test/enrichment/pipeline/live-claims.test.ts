// Claims tied to live runs (issue 15): a claim names its run; it is held while that run
// lives, however long its lease, and free the moment the run is gone.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  candidateFilter,
  resolveRunRequest,
} from "../../../src/enrichment/pipeline/resolve-run-request.js";
import type { RunProgress } from "../../../src/enrichment/pipeline/run-types.js";
import {
  createPipelineFixture,
  runRequest,
  seedListings,
  sharedListings,
  type PipelineFixture,
} from "../../support/pipeline-fixture.js";
import { DATABASE_KINDS } from "../../support/test-databases.js";
import { waitFor } from "../../support/wait-for.js";

const LISTINGS = sharedListings(
  12,
  (l) => String(l.description).length > 200 && String(l.description).length < 800,
);
/** A lease far longer than any test: only the run's liveness can free these claims. */
const LONG_LEASE_MS = 3_600_000;

async function succeededRows(f: PipelineFixture): Promise<{ n: number; twice: number }> {
  const rows = await f.services.db.query<{ n: number; twice: number }>(
    `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS n,
            count(*) FILTER (WHERE attempts > 1)::int AS twice
     FROM llm_enrichments WHERE processing_type = 'description_cleaning'`,
  );
  return rows[0]!;
}

/** Claims the first `n` candidates for a run that is not this test's pipeline run. */
async function claimFor(f: PipelineFixture, owner: string, n: number): Promise<number> {
  const plan = await resolveRunRequest(f.services.pipeline, {
    processingType: "description_cleaning",
  });
  const claimed = await f.services.pipeline.store.claimCandidates(
    candidateFilter(plan),
    undefined,
    n,
    owner,
    LONG_LEASE_MS,
  );
  return claimed.length;
}

describe.each(DATABASE_KINDS)("claims of live runs on %s", (kind) => {
  let f: PipelineFixture;
  beforeEach(async () => {
    f = await createPipelineFixture(kind);
    await seedListings(f.services, LISTINGS);
  });
  afterEach(async () => {
    await f.dispose();
  });

  it("a live run's claims are skipped and reported as held; they are free once it ends", async () => {
    const other = await f.services.pipeline.store.startRun("other-live-run");
    expect(await claimFor(f, "other-live-run", 5)).toBe(5);

    const first = await runRequest(f.services, { processingType: "description_cleaning" });
    expect(first.succeeded).toBe(LISTINGS.length - 5);
    expect(first.heldByOtherRuns).toBe(5);
    expect(f.fake.stats.completions).toBe(LISTINGS.length - 5);

    await f.services.pipeline.store.releaseClaims("other-live-run");
    await other.end();
    const second = await runRequest(f.services, { processingType: "description_cleaning" });
    expect(second.succeeded).toBe(5);
    expect(second.heldByOtherRuns).toBe(0);
    expect(await succeededRows(f)).toEqual({ n: LISTINGS.length, twice: 0 });
  });

  it("a run in another process holds its claims while that process lives and not a moment after", async () => {
    // Another process on this host, as a CLI command sharing serve's database would be.
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
      stdio: "ignore",
    });
    try {
      const pid = child.pid!;
      await f.services.db.query(
        "INSERT INTO llm_runs (run_id, lock_key, pid, host, process_started) VALUES ('elsewhere', NULL, $1, $2, NULL)",
        [pid, hostname()],
      );
      expect(await claimFor(f, "elsewhere", 4)).toBe(4);
      if (kind === "pglite") {
        // PGlite: a run is its process.
        const held = await runRequest(f.services, { processingType: "description_cleaning" });
        expect(held.heldByOtherRuns).toBe(4);
        expect(held.succeeded).toBe(LISTINGS.length - 4);
      }
      child.kill("SIGKILL");
      await once(child, "exit");
      // (PostgreSQL vouches for a run by its advisory lock, not its pid: a registration without
      // a lock held is a dead run's, whatever process it names — free before and after.)
      const rerun = await runRequest(f.services, { processingType: "description_cleaning" });
      expect(rerun.heldByOtherRuns).toBe(0);
      expect(await succeededRows(f)).toEqual({ n: LISTINGS.length, twice: 0 });
      expect(f.fake.stats.completions).toBe(LISTINGS.length);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe.runIf(DATABASE_KINDS.includes("postgres"))("a run's connections terminated", () => {
  let f: PipelineFixture;
  const MANY = sharedListings(60, (l) => String(l.description).length > 100);
  beforeEach(async () => {
    f = await createPipelineFixture("postgres", {
      env: { LLM_BATCH_CONCURRENT: "4", LLM_CACHE_ENABLED: "false" },
      fake: { latency: 100 },
    });
    await seedListings(f.services, MANY);
  });
  afterEach(async () => {
    await f.dispose();
  });

  it("a dead registration's claims are free at once, whatever their lease", async () => {
    const doomed = await f.services.pipeline.store.startRun("doomed-run");
    let lost: Error | undefined;
    doomed.onLost((error) => (lost = error));
    expect(await claimFor(f, "doomed-run", 10)).toBe(10);
    await f.services.db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'rescue-llm run doomed-run'",
    );
    await waitFor(() => lost !== undefined, 10_000, "the registration to see its connection gone");
    const rerun = await runRequest(f.services, { processingType: "description_cleaning" });
    expect(rerun.heldByOtherRuns).toBe(0);
    expect(rerun.succeeded).toBe(MANY.length);
    await doomed.end();
  });

  it("terminating every connection mid-run stops it with a clear error; nothing reported done is uncommitted, a rerun finishes the rest once", async () => {
    let terminated: Promise<unknown> | undefined;
    const onProgress = (p: RunProgress) => {
      if (terminated === undefined && p.succeeded >= 8) {
        terminated = f.database.db.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
      }
    };
    // The run's pool and its lock connection all go; only the terminating query survives.
    const first = await runRequest(
      f.services,
      { processingType: "description_cleaning" },
      { onProgress },
    );
    await terminated;
    expect(first.stop?.reason).toBe("run_lost");
    expect(first.stop?.error.message).toMatch(/Lost the database connection/);
    const afterFirst = await succeededRows(f);
    // Every success the run reported is committed, and nothing else.
    expect(afterFirst.n).toBe(first.succeeded);
    expect(first.succeeded).toBeLessThan(MANY.length);

    const callsBefore = f.fake.stats.completions;
    const rerun = await runRequest(f.services, { processingType: "description_cleaning" });
    expect(rerun.stop).toBeUndefined();
    expect(rerun.heldByOtherRuns).toBe(0);
    expect(rerun.succeeded).toBe(MANY.length - first.succeeded);
    expect(f.fake.stats.completions - callsBefore).toBe(MANY.length - first.succeeded);
    expect(await succeededRows(f)).toEqual({ n: MANY.length, twice: 0 });
  });
});
