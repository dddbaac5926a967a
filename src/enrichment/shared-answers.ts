// One answer shared by sibling work items: a listing translated into all of its target
// languages by one call, each language's item taking its part. The first sibling to ask
// computes it; the others take the same promise. An entry lives until every sibling has taken
// it — so one that starts later still finds it, also with the cache off or refreshing (--force)
// — and is dropped then, which keeps memory flat over a long run. A sibling that asks again
// (an item requeued after 429s) gets a fresh computation of its own.

export interface SharedAnswers {
  /**
   * The answer under `key` for `member`, one of `members`: computed here when no sibling has
   * asked yet (`computedHere`), else the sibling's. A rejection is shared like an answer.
   */
  take<T>(
    key: string,
    member: string,
    members: readonly string[],
    compute: () => Promise<T>,
  ): Promise<{ readonly value: T; readonly computedHere: boolean }>;
}

export function createSharedAnswers(): SharedAnswers {
  const entries = new Map<string, { promise: Promise<unknown>; waiting: Set<string> }>();
  return {
    async take<T>(
      key: string,
      member: string,
      members: readonly string[],
      compute: () => Promise<T>,
    ) {
      const entry = entries.get(key);
      if (entry?.waiting.delete(member)) {
        if (entry.waiting.size === 0) entries.delete(key);
        return { value: (await entry.promise) as T, computedHere: false };
      }
      const promise = compute();
      const waiting = new Set(members.filter((m) => m !== member));
      // Only the first computation is shared: a retake must not reset its siblings' turn.
      if (entry === undefined && waiting.size > 0) {
        entries.set(key, { promise, waiting });
        // The siblings read the rejection; an unobserved one must not crash the process.
        promise.catch(() => {});
      }
      return { value: await promise, computedHere: true };
    },
  };
}
