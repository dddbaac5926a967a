// Tunables of the distributed queue. Defaults suit production; tests shorten the lock times
// and give each test file its own key prefix.

export interface QueueSettings {
  /** Redis key prefix for BullMQ and for our own keys; one prefix = one isolated queue. */
  readonly prefix: string;
  readonly queueName: string;
  /** Animal ids per chunk. */
  readonly chunkSize: number;
  /** Per-chunk attempts (each attempt is a whole pipeline run; per-call retries are inside it). */
  readonly chunkAttempts: number;
  /** First backoff between chunk attempts, doubled each time. */
  readonly chunkBackoffMs: number;
  /** A worker that stops renewing its lock (crash, kill -9) loses the chunk after this long. */
  readonly lockDurationMs: number;
  /** How often workers look for chunks whose lock expired. */
  readonly stalledIntervalMs: number;
  /** Times a chunk may stall before it counts as failed. */
  readonly maxStalledCount: number;
  /** How long finished chunk records stay, so re-enqueueing the same work stays a no-op. */
  readonly keepFinishedChunksSeconds: number;
  /** How often `subscribe` re-reads the aggregated job record. */
  readonly pollIntervalMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  prefix: "rescue-llm",
  queueName: "enrichment-chunks",
  chunkSize: 25,
  chunkAttempts: 3,
  chunkBackoffMs: 5_000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
  maxStalledCount: 2,
  keepFinishedChunksSeconds: 24 * 3600,
  pollIntervalMs: 500,
};

export function queueSettings(overrides: Partial<QueueSettings> = {}): QueueSettings {
  return { ...DEFAULT_QUEUE_SETTINGS, ...overrides };
}

/** BullMQ connection options: workers block on Redis, so commands must not time out by count. */
export function bullmqConnection(redisUrl: string): { url: string; maxRetriesPerRequest: null } {
  return { url: redisUrl, maxRetriesPerRequest: null };
}
