// The run's call window, counted in items: an item takes a slot at its first LLM call and gives
// it back when its processing returns, which is after its answer is stored in the response
// cache (ResultCache.getOrCompute returns only then). A slot freed when the HTTP answer came
// back would let the next call start while the last answer was still being checked and
// written, so a process killed at any moment could lose more than one window of paid calls;
// this way the answers paid for but not yet saved never exceed the window (issue 15).
import type PQueue from "p-queue";
import type { LlmClient } from "../llm-client.js";

export interface ItemCallSlot {
  /** `llm` with the item's slot taken before its first call and kept for its later ones. */
  readonly llm: LlmClient;
  /** Gives the slot back (if one was taken). Idempotent. */
  release(): void;
}

/**
 * `slots` is the window (its `concurrency` may change while the run goes on); `beforeCall`
 * runs once the slot is granted and may throw to refuse the call (the slot is then given back).
 */
export function createItemCallSlot(
  slots: PQueue,
  llm: LlmClient,
  beforeCall: () => void,
): ItemCallSlot {
  let held: Promise<() => void> | undefined;
  let released = false;
  const acquire = () =>
    new Promise<() => void>((granted) => {
      void slots.add(() => new Promise<void>((done) => granted(done)));
    });
  const release = () => {
    if (released) return;
    released = true;
    void held?.then((done) => done());
  };
  return {
    llm: {
      complete: async (request) => {
        if (released) throw new Error("this item's call slot was already given back");
        held ??= acquire();
        await held;
        try {
          beforeCall();
        } catch (error) {
          release();
          throw error;
        }
        return llm.complete(request);
      },
    },
    release,
  };
}
