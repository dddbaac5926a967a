import type { Command } from "commander";
import { ValidationError } from "../errors.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouterOptions,
} from "../testing/fake-openrouter/fake-openrouter-server.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

interface FakeOpenRouterCliOptions {
  port: string;
  host: string;
  latencyMs?: string;
  latencyMedianMs?: string;
  latencySigma: string;
  rps?: string;
  failureRate?: string;
  seed?: string;
  servedModel?: string;
  apiKey?: string;
  batchTurnaroundMs: string;
  batchFailureRate?: string;
}

/** `rescue-llm fake-openrouter`: the simulated provider, for trials without a key. Runs until Ctrl-C. */
export function registerFakeOpenRouter(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("fake-openrouter")
    .description("Run a simulated OpenRouter API locally (set LLM_BASE_URL to the printed URL)")
    .option("--port <n>", "port to listen on (0 = any free port)", "8787")
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--latency-ms <ms>", "fixed delay before each answer, in milliseconds")
    .option("--latency-median-ms <ms>", "log-normal latency: median in milliseconds")
    .option("--latency-sigma <sigma>", "log-normal latency: sigma of ln(ms)", "0.5")
    .option("--rps <n>", "completions allowed per second; more get 429 with Retry-After")
    .option("--failure-rate <share>", "share (0-1) of completions failing with 502/503/529")
    .option("--seed <n>", "seed for latency and failure draws")
    .option("--served-model <model>", "model reported for openrouter/auto")
    .option("--api-key <key>", "require this Bearer key (401 otherwise)")
    .option(
      "--batch-turnaround-ms <ms>",
      "Batch API: milliseconds from submission to completed (real batches take minutes)",
      "5000",
    )
    .option("--batch-failure-rate <share>", "Batch API: share (0-1) of requests that fail")
    .action(async (options: FakeOpenRouterCliOptions) => {
      const fake = await startFakeOpenRouter(toServerOptions(options));
      writeLine(io.stdout, `Fake OpenRouter listening: ${fake.baseUrl}`);
      writeLine(
        io.stdout,
        `Use it with: LLM_BASE_URL=${fake.baseUrl} OPENROUTER_API_KEY=${options.apiKey ? "<your --api-key>" : "anything"}`,
      );
      await new Promise<void>((stopped) => {
        if (io.signal.aborted) stopped();
        else io.signal.addEventListener("abort", () => stopped(), { once: true });
      });
      await fake.close();
      writeLine(
        io.stdout,
        `Stopped after ${fake.stats.completions} completion requests and ${fake.stats.batchesCreated} batches.`,
      );
      setExit(EXIT.ok);
    });
}

function toServerOptions(o: FakeOpenRouterCliOptions): FakeOpenRouterOptions {
  const num = (
    value: string | undefined,
    flag: string,
    min: number,
    max: number,
  ): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
      throw new ValidationError(`${flag} must be a number between ${min} and ${max}`, flag);
    }
    return n;
  };
  const port = num(o.port, "--port", 0, 65535) ?? 8787;
  const fixedMs = num(o.latencyMs, "--latency-ms", 0, 600_000);
  const medianMs = num(o.latencyMedianMs, "--latency-median-ms", 0, 600_000);
  const sigma = num(o.latencySigma, "--latency-sigma", 0, 10) ?? 0.5;
  const rps = num(o.rps, "--rps", 1, 1_000_000);
  const failureRate = num(o.failureRate, "--failure-rate", 0, 1);
  const seed = num(o.seed, "--seed", 0, 2 ** 32);
  const turnaroundMs = num(o.batchTurnaroundMs, "--batch-turnaround-ms", 0, 86_400_000) ?? 5000;
  const requestFailureRate = num(o.batchFailureRate, "--batch-failure-rate", 0, 1);
  return {
    port,
    host: o.host,
    ...(medianMs !== undefined
      ? { latency: { medianMs, sigma } }
      : fixedMs !== undefined
        ? { latency: fixedMs }
        : {}),
    ...(rps !== undefined ? { rateLimit: { requestsPerSecond: rps } } : {}),
    ...(failureRate !== undefined ? { failureRate } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(o.servedModel !== undefined ? { servedModel: o.servedModel } : {}),
    ...(o.apiKey !== undefined ? { apiKey: o.apiKey } : {}),
    batch: {
      turnaroundMs,
      ...(requestFailureRate !== undefined ? { requestFailureRate } : {}),
    },
  };
}
