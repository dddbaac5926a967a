import { describe, expect, it } from "vitest";
import type {
  EnrichmentStore,
  ItemWrite,
} from "../../../src/enrichment/pipeline/enrichment-store.js";
import { createResultWriter } from "../../../src/enrichment/pipeline/result-writer.js";
import { descriptionCleaningType } from "../../../src/enrichment/processing-types/description-cleaning-type.js";

const item = (animalId: number): ItemWrite => ({
  animalId,
  targetLanguage: "",
  status: "succeeded",
  sourceHash: "h",
  promptVersion: "v",
  model: "m",
  value: "text",
  flags: [],
  error: null,
});

/** A store whose writes wait until the test lets them through. */
function gatedStore() {
  const pending: (() => void)[] = [];
  const written: number[][][] = [];
  const store = {
    writeResults: (_type: unknown, batches: readonly (readonly ItemWrite[])[]) =>
      new Promise<void>((resolve) => {
        pending.push(() => {
          written.push(batches.map((b) => b.map((w) => w.animalId)));
          resolve();
        });
      }),
  } as unknown as EnrichmentStore;
  return { store, pending, written };
}

describe("result writer", () => {
  it("writes batchSize rows per statement and commitFrequency batches per commit", async () => {
    const { store, pending, written } = gatedStore();
    const committed: number[] = [];
    const writer = createResultWriter({
      store,
      definition: descriptionCleaningType,
      batchSize: 2,
      commitFrequency: 2,
      onCommitted: (items) => committed.push(...items.map((i) => i.animalId)),
      onWriteFailed: () => {},
    });
    for (let id = 1; id <= 5; id++) writer.add(item(id), []);
    const flushed = writer.flush();
    while (pending.length > 0 || committed.length < 5) {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushed;
    expect(written).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [[5]],
    ]);
    expect(committed).toEqual([1, 2, 3, 4, 5]);
  });

  it("holds callers back while the backlog is full, and lets them go as writes commit", async () => {
    const { store, pending } = gatedStore();
    const writer = createResultWriter({
      store,
      definition: descriptionCleaningType,
      batchSize: 1,
      commitFrequency: 1,
      onCommitted: () => {},
      onWriteFailed: () => {},
    });
    for (let id = 1; id <= 4; id++) writer.add(item(id), []);
    let released = false;
    const room = writer.waitForRoom(3).then(() => (released = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(false);
    pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(false); // 3 still waiting
    pending.shift()?.();
    await room;
    expect(released).toBe(true);
    expect(writer.backlog).toBe(2);
  });

  it("writes up to maxConcurrentCommits groups at once, and flush waits for every one", async () => {
    const { store, pending, written } = gatedStore();
    const committed: number[] = [];
    const writer = createResultWriter({
      store,
      definition: descriptionCleaningType,
      batchSize: 1,
      commitFrequency: 1,
      maxConcurrentCommits: 2,
      onCommitted: (items) => committed.push(...items.map((i) => i.animalId)),
      onWriteFailed: () => {},
    });
    for (let id = 1; id <= 3; id++) writer.add(item(id), []);
    let flushed = false;
    const flushing = writer.flush().then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(pending).toHaveLength(2); // groups 1 and 2 in flight, 3 waits for a slot
    pending.splice(1, 1)[0]!(); // the second commits first
    await new Promise((resolve) => setImmediate(resolve));
    expect(committed).toEqual([2]);
    expect(pending).toHaveLength(2); // group 3 took the free slot
    pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    pending.shift()!();
    await flushing;
    expect(committed).toEqual([2, 1, 3]);
    expect(written).toEqual([[[2]], [[1]], [[3]]]);
    expect(writer.backlog).toBe(0);
  });

  it("gives a group up after its attempts and reports it, without marking it committed", async () => {
    let calls = 0;
    const store = {
      writeResults: async () => {
        calls += 1;
        throw new Error("database down");
      },
    } as unknown as EnrichmentStore;
    const failed: number[] = [];
    const committed: number[] = [];
    const writer = createResultWriter({
      store,
      definition: descriptionCleaningType,
      batchSize: 2,
      commitFrequency: 1,
      writeAttempts: 3,
      sleep: async () => {},
      onCommitted: (items) => committed.push(...items.map((i) => i.animalId)),
      onWriteFailed: (items) => failed.push(...items.map((i) => i.animalId)),
    });
    writer.add(item(1), []);
    writer.add(item(2), []);
    await writer.flush();
    expect(calls).toBe(3);
    expect(failed).toEqual([1, 2]);
    expect(committed).toEqual([]);
  });
});
