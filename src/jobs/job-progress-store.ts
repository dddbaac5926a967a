// The parent record of a queued job in Redis: one hash of counters per job, updated by every
// worker with HINCRBY, so progress and cost aggregate across machines.
//
// At-least-once delivery means a chunk can run twice (a crash, a stalled lock), even two
// attempts at once. Each chunk's latest contribution is kept beside the totals: a new attempt
// *replaces* the item counts of the previous one (its items are now skipped or redone, not
// new), while calls and cost *add up* per run (that money was spent). Both are applied as
// deltas inside one Lua script.
import type { Redis } from "ioredis";
import type { ProcessingType } from "../config.js";
import type { JobState, JobStateName } from "./job-queue.js";

export interface ChunkCounters {
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly llmCalls: number;
  readonly costUsd: number;
}

const COUNTER_FIELDS = [
  "done",
  "succeeded",
  "failed",
  "skipped",
  "llm_calls",
  "cost_micro_usd",
] as const;

// KEYS: job hash, chunk-contribution hash. ARGV: chunk id, attempt, run id, the six counters.
// Items: the newest attempt's counts replace the chunk's earlier ones; a late report of an
// older attempt (a live worker that lost its chunk lock) changes nothing. Calls and cost: kept
// per run and added up, so two attempts reporting in turn never count a call twice.
const RECORD_PROGRESS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local fields = {'done', 'succeeded', 'failed', 'skipped', 'llm_calls', 'cost_micro_usd'}
local attempt = tonumber(ARGV[2])
local function parse(value, n)
  local parts = {}
  if value then for part in string.gmatch(value, '[^|]+') do parts[#parts + 1] = tonumber(part) end end
  for i = 1, n do parts[i] = parts[i] or 0 end
  return parts
end
local prev = redis.call('HGET', KEYS[2], ARGV[1])
local old = parse(prev, 5)
if not prev or attempt >= old[1] then
  local stored = {attempt}
  for i = 1, 4 do
    local new = tonumber(ARGV[i + 3])
    local delta = new - old[i + 1]
    if delta ~= 0 then redis.call('HINCRBY', KEYS[1], fields[i], delta) end
    stored[i + 1] = new
  end
  redis.call('HSET', KEYS[2], ARGV[1], table.concat(stored, '|'))
end
local runField = ARGV[1] .. '|run|' .. ARGV[3]
local spent = parse(redis.call('HGET', KEYS[2], runField), 2)
local now = {}
for i = 5, 6 do
  local new = tonumber(ARGV[i + 3])
  local delta = new - spent[i - 4]
  if delta > 0 then redis.call('HINCRBY', KEYS[1], fields[i], delta) end
  now[i - 4] = math.max(new, spent[i - 4])
end
redis.call('HSET', KEYS[2], runField, table.concat(now, '|'))
if redis.call('HGET', KEYS[1], 'state') == 'queued' then redis.call('HSET', KEYS[1], 'state', 'running') end
return 1
`;

// Marks a chunk finished (idempotent: a set) and finishes the job with its last chunk.
// KEYS: job hash, finished set, failed-chunks hash. ARGV: chunk id, error ('' = none).
const FINISH_CHUNK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[2]) end
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'completed' or state == 'completed_with_failures' or state == 'failed' then return 0 end
if redis.call('SCARD', KEYS[2]) < tonumber(redis.call('HGET', KEYS[1], 'chunks_total')) then
  if state == 'queued' then redis.call('HSET', KEYS[1], 'state', 'running') end
  return 0
end
local t = redis.call('TIME')
-- The rule of finishedJobState (job-queue.ts): stopped or nothing succeeded is failed.
local failed = tonumber(redis.call('HGET', KEYS[1], 'failed') or '0')
local succeeded = tonumber(redis.call('HGET', KEYS[1], 'succeeded') or '0')
local final = 'completed'
if redis.call('HLEN', KEYS[3]) > 0 then final = 'failed'
elseif failed > 0 and succeeded == 0 then final = 'failed'
elseif failed > 0 then final = 'completed_with_failures' end
redis.call('HSET', KEYS[1], 'state', final, 'finished_at', t[1] * 1000 + math.floor(t[2] / 1000))
return 1
`;

export interface NewJobRecord {
  readonly id: string;
  readonly processingType: ProcessingType;
  readonly totalItems: number;
  readonly chunksTotal: number;
}

export interface JobProgressStore {
  /** Creates the record; false when a record with this id already exists. */
  create(record: NewJobRecord): Promise<boolean>;
  /** Deletes a record and everything kept beside it (before re-running finished work). */
  remove(id: string): Promise<void>;
  recordProgress(
    jobId: string,
    chunkId: string,
    attempt: number,
    runId: string,
    counters: ChunkCounters,
  ): Promise<void>;
  /** True when this was the job's last chunk. */
  finishChunk(jobId: string, chunkId: string, error?: string): Promise<boolean>;
  get(id: string): Promise<JobState | undefined>;
  /** Newest first. */
  list(limit: number): Promise<JobState[]>;
}

export function createJobProgressStore(redis: Redis, keyPrefix: string): JobProgressStore {
  const indexKey = `${keyPrefix}:jobs`;
  const keys = (id: string) => ({
    job: `${keyPrefix}:job:${id}`,
    chunks: `${keyPrefix}:job:${id}:chunks`,
    finished: `${keyPrefix}:job:${id}:finished`,
    failedChunks: `${keyPrefix}:job:${id}:failed-chunks`,
  });

  const get = async (id: string): Promise<JobState | undefined> => {
    const k = keys(id);
    const [job, failedChunks] = await Promise.all([
      redis.hgetall(k.job),
      redis.hgetall(k.failedChunks),
    ]);
    if (!job.state) return undefined;
    return toJobState(id, job, failedChunks);
  };

  return {
    async create(record) {
      const k = keys(record.id);
      const nowMs = Date.now();
      // HSETNX on the state field is the creation lock: two concurrent enqueues, one record.
      const created = await redis.hsetnx(k.job, "state", "queued");
      if (created === 0) return false;
      const empty = record.chunksTotal === 0;
      await redis
        .multi()
        .hset(k.job, {
          processing_type: record.processingType,
          total: record.totalItems,
          chunks_total: record.chunksTotal,
          created_at: nowMs,
          ...Object.fromEntries(COUNTER_FIELDS.map((f) => [f, 0])),
          ...(empty ? { state: "completed", finished_at: nowMs } : {}),
        })
        .zadd(indexKey, nowMs, record.id)
        .exec();
      return true;
    },
    async remove(id) {
      const k = keys(id);
      await redis
        .multi()
        .del(k.job, k.chunks, k.finished, k.failedChunks)
        .zrem(indexKey, id)
        .exec();
    },
    async recordProgress(jobId, chunkId, attempt, runId, counters) {
      const k = keys(jobId);
      await redis.eval(
        RECORD_PROGRESS,
        2,
        k.job,
        k.chunks,
        chunkId,
        String(attempt),
        runId,
        counters.done,
        counters.succeeded,
        counters.failed,
        counters.skipped,
        counters.llmCalls,
        Math.round(counters.costUsd * 1e6),
      );
    },
    async finishChunk(jobId, chunkId, error) {
      const k = keys(jobId);
      const finished = await redis.eval(
        FINISH_CHUNK,
        3,
        k.job,
        k.finished,
        k.failedChunks,
        chunkId,
        error ?? "",
      );
      return finished === 1;
    },
    get,
    async list(limit) {
      const ids = await redis.zrevrange(indexKey, 0, Math.max(0, limit - 1));
      const states = await Promise.all(ids.map(get));
      return states.filter((s): s is JobState => s !== undefined);
    },
  };
}

function toJobState(
  id: string,
  job: Record<string, string>,
  failedChunks: Record<string, string>,
): JobState {
  const int = (field: string) => Number(job[field] ?? 0);
  const time = (field: string) => (job[field] ? new Date(Number(job[field])).toISOString() : null);
  return {
    id,
    state: (job.state ?? "queued") as JobStateName,
    processingType: job.processing_type as ProcessingType,
    total: int("total"),
    done: int("done"),
    succeeded: int("succeeded"),
    failed: int("failed"),
    skipped: int("skipped"),
    llmCalls: int("llm_calls"),
    costUsd: int("cost_micro_usd") / 1e6,
    failedChunks: Object.entries(failedChunks)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([chunkId, error]) => ({ chunkId, error })),
    createdAt: time("created_at") ?? new Date(0).toISOString(),
    finishedAt: time("finished_at"),
  };
}
