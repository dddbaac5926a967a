// The run's call window, counted in items: an item takes a slot for its LLM call and gives it
// back once that call's answer is stored in the response cache (ResultCache.getOrCompute
// returns only then). The cache keeps the checked verdict, so the answer's checks run inside
// that lookup and within the slot; the item's result write comes after it. A slot freed when
// the HTTP answer came back would let the next call start while the last answer was still
// being checked and stored, so a process killed at any moment could lose more than one window
// of paid calls; this way the answers paid for but not yet saved never exceed the window
// (issue 15). The price is the checks' CPU and the store's round trip at every call, which is
// why the checks' per-item costs (name masking, fact patterns) are kept small.
import type PQueue from "p-queue";
import type { LlmClient } from "../llm-client.js";
import type { ResultCache } from "../result-cache.js";

export interface ItemCallSlot {
  /** `llm` with the item's slot taken before a call, and kept while its answer is stored. */
  readonly llm: LlmClient;
  /** `cache` whose lookups give the slot back once their answers are stored. */
  readonly cache: ResultCache;
  /** Gives the slot back for good (if one is held); a later call throws. Idempotent. */
  release(): void;
}

/** An item that already had a call (a re-ask, a verification) goes before new items. */
const LATER_CALL_PRIORITY = 1;

/**
 * `slots` is the window (its `concurrency` may change while the run goes on); `beforeCall`
 * runs once the slot is granted and may throw to refuse the call (the slot is then given back).
 */
export function createItemCallSlot(
  slots: PQueue,
  llm: LlmClient,
  cache: ResultCache,
  beforeCall: () => void,
): ItemCallSlot {
  let held: Promise<() => void> | undefined;
  let hadCall = false;
  let released = false;
  /** Calls in flight plus lookups not yet returned (whose answers may still be being stored). */
  let busy = 0;
  const acquire = () =>
    new Promise<() => void>((granted) => {
      const priority = hadCall ? LATER_CALL_PRIORITY : 0;
      void slots.add(() => new Promise<void>((done) => granted(done)), { priority });
    });
  const giveBack = () => {
    const slot = held;
    held = undefined;
    void slot?.then((done) => done());
  };
  const settle = () => {
    busy -= 1;
    if (busy === 0) giveBack();
  };
  const release = () => {
    if (released) return;
    released = true;
    giveBack();
  };
  return {
    llm: {
      complete: async (request) => {
        if (released) throw new Error("this item's call slot was already given back");
        busy += 1;
        try {
          held ??= acquire();
          hadCall = true;
          await held;
          beforeCall();
          return await llm.complete(request);
        } finally {
          settle();
        }
      },
    },
    cache: {
      getOrCompute: async (key, compute, meta) => {
        busy += 1;
        try {
          return await cache.getOrCompute(key, compute, meta);
        } finally {
          settle();
        }
      },
      stats: () => cache.stats(),
    },
    release,
  };
}
