#!/usr/bin/env node
import { EXIT } from "./exit-codes.js";
import { interruptSummary } from "./interrupt-summary.js";
import { runCli } from "./program.js";
import { preferSmallHeap } from "./small-heap.js";

// The HTTP server keeps V8's defaults: its latency matters more than its footprint.
if (process.argv[2] !== "serve") preferSmallHeap();

const controller = new AbortController();
let interrupts = 0;
process.on("SIGINT", () => {
  interrupts += 1;
  if (interrupts > 1) {
    // Second Ctrl-C: leave now, saying how far the run got (README "Stopping a run").
    process.stderr.write(`\n${interruptSummary()}\n`);
    process.exit(EXIT.interruptedTwice);
  }
  process.stderr.write("\nStopping: finishing in-flight work (Ctrl-C again to quit now)…\n");
  controller.abort();
});
process.on("SIGTERM", () => controller.abort());

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
