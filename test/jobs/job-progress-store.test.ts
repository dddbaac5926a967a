// Job progress in Redis when one chunk runs twice at once (issue 15): a worker starved of CPU
// loses its chunk lock but not its run, and keeps reporting while a second attempt runs.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createJobProgressStore } from "../../src/jobs/job-progress-store.js";
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from "./support/test-redis.js";

const counters = (done: number, llmCalls: number) => ({
  done,
  succeeded: done,
  failed: 0,
  skipped: 0,
  llmCalls,
  costUsd: llmCalls / 1000,
});

describe.skipIf(!TEST_REDIS_URL)("job progress store", () => {
  const prefix = uniquePrefix("progress");
  const redis = new Redis(TEST_REDIS_URL ?? "");
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(TEST_REDIS_URL ?? "", prefix);
  });

  it("two attempts of one chunk reporting in turn count every call once and the newest attempt's items", async () => {
    const store = createJobProgressStore(redis, prefix);
    await store.create({
      id: "job-1",
      processingType: "description_cleaning",
      totalItems: 10,
      chunksTotal: 1,
    });
    await store.recordProgress("job-1", "c1", 1, "run-a", counters(3, 3));
    await store.recordProgress("job-1", "c1", 2, "run-b", counters(0, 0));
    // The old attempt goes on: its calls are its own, its item counts no longer the chunk's.
    await store.recordProgress("job-1", "c1", 1, "run-a", counters(7, 7));
    await store.recordProgress("job-1", "c1", 2, "run-b", counters(3, 3));
    await store.recordProgress("job-1", "c1", 2, "run-b", counters(10, 3));
    const job = await store.get("job-1");
    expect(job).toMatchObject({ done: 10, succeeded: 10, llmCalls: 10 });
    expect(job?.costUsd).toBeCloseTo(0.01, 6);
  });
});
