// Buffers finished items and writes them `batchSize` rows per statement, committing every
// `commitFrequency` batches, behind the calls still in flight. Up to `maxConcurrentCommits`
// groups are written at once, each in its own transaction: the groups hold different items,
// and with an instant provider (cache hits, Batch API answers) one transaction at a time was
// the whole run's pace. An item counts as done only once its write has committed.
import type { ProcessingTypeDefinition } from "../processing-types/processing-type-definition.js";
import type { CallLogRow, EnrichmentStore, ItemWrite } from "./enrichment-store.js";
import { sleep as timerSleep, type Sleep } from "../../sleep.js";

export interface ResultWriterOptions {
  readonly store: EnrichmentStore;
  readonly definition: ProcessingTypeDefinition;
  readonly batchSize: number;
  readonly commitFrequency: number;
  /** Attempts per commit before its items are given up as failed (left unclaimed for a rerun). */
  readonly writeAttempts?: number;
  readonly retryDelayMs?: number;
  /** Group transactions in flight at once (default 1). */
  readonly maxConcurrentCommits?: number;
  readonly sleep?: Sleep;
  /** Called once per committed group with the items it made durable. */
  readonly onCommitted: (items: readonly ItemWrite[]) => void;
  /** Called when a group could not be written after every attempt. */
  readonly onWriteFailed: (items: readonly ItemWrite[], error: unknown) => void;
}

export interface ResultWriter {
  add(item: ItemWrite, logs: readonly CallLogRow[]): void;
  /** Resolves when everything added so far is written (or given up). */
  flush(): Promise<void>;
  /**
   * Resolves once fewer than `maxBacklog` items wait to be written. Callers await it before
   * taking more work, so a database slower than the provider slows intake instead of
   * piling results up in memory.
   */
  waitForRoom(maxBacklog: number): Promise<void>;
  /** Writes in progress or waiting; callers apply backpressure on it. */
  readonly backlog: number;
}

export function createResultWriter(options: ResultWriterOptions): ResultWriter {
  const groupSize = options.batchSize * options.commitFrequency;
  const attempts = options.writeAttempts ?? 3;
  const sleep = options.sleep ?? timerSleep;
  let items: ItemWrite[] = [];
  let logs: CallLogRow[] = [];
  const maxConcurrent = Math.max(1, options.maxConcurrentCommits ?? 1);
  const waiting: { group: ItemWrite[]; logs: CallLogRow[] }[] = [];
  const running = new Set<Promise<void>>();
  let backlog = 0;
  const waiters: { maxBacklog: number; resolve: () => void }[] = [];
  const wakeWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (backlog + items.length < waiter.maxBacklog) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };

  const commit = async (group: ItemWrite[], groupLogs: CallLogRow[]) => {
    const batches: ItemWrite[][] = [];
    for (let i = 0; i < group.length; i += options.batchSize) {
      batches.push(group.slice(i, i + options.batchSize));
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await options.store.writeResults(options.definition, batches, groupLogs);
        options.onCommitted(group);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          options.onWriteFailed(group, error);
          return;
        }
        await sleep((options.retryDelayMs ?? 200) * 2 ** (attempt - 1));
      }
    }
  };

  const pump = () => {
    while (running.size < maxConcurrent && waiting.length > 0) {
      const { group, logs: groupLogs } = waiting.shift()!;
      const done: Promise<void> = commit(group, groupLogs).then(() => {
        running.delete(done);
        backlog -= group.length;
        wakeWaiters();
        pump();
      });
      running.add(done);
    }
  };

  const schedule = () => {
    waiting.push({ group: items, logs });
    backlog += items.length;
    items = [];
    logs = [];
    pump();
  };

  return {
    add(item, itemLogs) {
      items.push(item);
      logs.push(...itemLogs);
      if (items.length >= groupSize) schedule();
    },
    async flush() {
      if (items.length > 0) schedule();
      while (running.size > 0) await Promise.all(running);
    },
    waitForRoom(maxBacklog) {
      if (backlog + items.length < maxBacklog) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ maxBacklog, resolve }));
    },
    get backlog() {
      return backlog + items.length;
    },
  };
}
