// The one condition wait of the tests: polls `check` until it returns something other than
// undefined or false, and returns that; fails naming `what` after `timeoutMs` (a bound on a
// hang, generous for a busy machine: nothing waits for it when the condition comes true).
import { sleep } from "../../src/sleep.js";

export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
