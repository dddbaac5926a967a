import { setFlagsFromString } from "node:v8";

/**
 * Asks V8 to keep its heap small. A batch run's live heap stays near 50–70 MB at any table
 * size (candidates are streamed by keyset pages), but V8's default sizing grows the old and
 * young spaces lazily while the machine has memory to spare: 100,000 candidates peaked near
 * 290 MB RSS. `--optimize-for-size` makes the collector keep the heap small: ~140 MB RSS,
 * without a hard cap that could end a run with an out-of-memory crash. It costs CPU (a
 * quarter of the rate when the LLM answers in 2 ms, see bench/RESULTS.md), which a run
 * waiting on real LLM latency does not notice. Node refuses this flag in NODE_OPTIONS, and
 * V8 reads it at each collection, so it is set here at start-up.
 */
export function preferSmallHeap(): void {
  setFlagsFromString("--optimize-for-size");
}
