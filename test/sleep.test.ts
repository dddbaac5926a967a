import { describe, expect, it } from "vitest";
import { sleep } from "../src/sleep.js";

describe("sleep", () => {
  it("resolves after the delay", async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it("rejects with the reason of a signal that already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    await expect(sleep(10_000, controller.signal)).rejects.toThrow("gone");
  });

  it("rejects as soon as the signal aborts during the wait", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error("stop now"));
    await expect(waiting).rejects.toThrow("stop now");
  });

  it("rejects with an AbortError when the reason is not an Error", async () => {
    const controller = new AbortController();
    controller.abort("plain text");
    await expect(sleep(10_000, controller.signal)).rejects.toMatchObject({ name: "AbortError" });
  });
});
