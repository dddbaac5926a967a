import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { RunRequest, RunSummary } from "../../src/enrichment/pipeline/run-types.js";
import { createInProcessJobQueue } from "../../src/jobs/in-process-job-queue.js";
import type { JobState } from "../../src/jobs/job-queue.js";
import { createLogger } from "../../src/logger.js";
import { waitFor } from "./support/test-redis.js";

const summary = (n: number, extra: Partial<RunSummary> = {}): RunSummary => ({
  total_processed: n,
  succeeded: n,
  failed: 0,
  skipped: 0,
  success_rate: 100,
  processing_time: 0,
  llm_calls: n,
  cache_hits: 0,
  cost_usd: n / 1000,
  items: [],
  ...extra,
});

function gatedRun() {
  const requests: RunRequest[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const run = async (request: RunRequest) => {
    requests.push(request);
    request.onProgress?.({
      total: 4,
      done: 1,
      succeeded: 1,
      failed: 0,
      skipped: 0,
      llmCalls: 1,
      cacheHits: 0,
      costUsd: 0.001,
      elapsedMs: 1,
    });
    await Promise.race([
      released,
      new Promise((resolve) => request.signal?.addEventListener("abort", resolve)),
    ]);
    return summary(
      4,
      request.signal?.aborted ? { stopped: { code: "interrupted", message: "stopped" } } : {},
    );
  };
  return { run, requests, release: () => release() };
}

describe("in-process job queue", () => {
  const logger = createLogger("silent");

  it("runs a job in the background, reports progress to subscribers, dedups identical work", async () => {
    const { run, requests, release } = gatedRun();
    const jobs = createInProcessJobQueue({ run, logger, defaultTargetLanguages: ["de"] });
    const spec = {
      processingType: "translation" as const,
      organizationConfigId: "org",
      targetLanguages: ["fr", "de"] as ("fr" | "de")[],
    };
    const { id } = await jobs.enqueue(spec);
    expect((await jobs.enqueue({ ...spec, targetLanguages: ["de", "fr"] })).id).toBe(id);
    const seen: JobState[] = [];
    jobs.subscribe(id, (s) => seen.push(s));
    await waitFor(async () => (await jobs.get(id))?.done === 1, 2_000, "progress");
    expect(await jobs.get(id)).toMatchObject({ state: "running", total: 4, done: 1 });
    release();
    await waitFor(async () => (await jobs.get(id))?.state === "completed", 2_000, "completion");
    expect(await jobs.get(id)).toMatchObject({
      done: 4,
      succeeded: 4,
      llm_calls: 4,
      failed_chunks: [],
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      organizationConfigId: "org",
      targetLanguages: ["de", "fr"],
      runId: id,
    });
    expect(seen.map((s) => s.state)).toEqual(expect.arrayContaining(["running", "completed"]));
    expect((await jobs.list()).map((j) => j.id)).toEqual([id]);
    await jobs.close();
  });

  it("records a failed run and cancels running jobs on close", async () => {
    const jobs = createInProcessJobQueue({
      run: async (request) => {
        if (request.processingType === "dog_profiler") throw new Error("boom");
        await delay(10_000, undefined, { signal: request.signal }).catch(() => undefined);
        return summary(0);
      },
      logger,
      maxConcurrentJobs: 2,
      defaultTargetLanguages: ["de"],
    });
    const failed = await jobs.enqueue({ processingType: "dog_profiler" });
    await waitFor(async () => (await jobs.get(failed.id))?.state === "failed", 2_000, "failure");
    expect((await jobs.get(failed.id))?.failed_chunks[0]?.error).toBe("boom");

    const slow = await jobs.enqueue({ processingType: "description_cleaning" });
    await waitFor(async () => (await jobs.get(slow.id))?.state === "running", 2_000, "start");
    await jobs.close();
    expect((await jobs.get(slow.id))?.state).toBe("cancelled");
  });
});
