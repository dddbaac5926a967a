// What every command receives: streams and environment are injected so tests can run
// commands in-process and read what they print.
import type { Env } from "../config.js";

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Env;
  /** Aborted on Ctrl-C (first press); commands stop taking work and finish cleanly. */
  readonly signal: AbortSignal;
}

export function writeLine(stream: NodeJS.WritableStream, line = ""): void {
  stream.write(`${line}\n`);
}
