// Runs the CLI in-process with an injected environment and captures what it prints.
import { Writable } from "node:stream";
import type { Env } from "../../src/config.js";
import { runCli } from "../../src/cli/program.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function collector(into: string[]): Writable {
  // _write runs synchronously on each write, so nothing is still in flight when runCli returns.
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      into.push(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
      callback();
    },
  });
}

export async function runCliCaptured(argv: readonly string[], env: Env): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: collector(out),
    stderr: collector(err),
    env,
    signal: new AbortController().signal,
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
