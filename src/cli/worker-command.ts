// `rescue-llm worker`: processes queued chunks until Ctrl-C / SIGTERM, then hands unfinished
// chunks back to the queue for the other workers and exits.
import { Option, type Command } from "commander";
import { Redis } from "ioredis";
import { openServices } from "../composition-root.js";
import { loadConfig } from "../config.js";
import { resolveRunRequest } from "../enrichment/pipeline/resolve-run-request.js";
import { runEnrichment } from "../enrichment/pipeline/run-enrichment.js";
import { QueueUnavailableError, ValidationError } from "../errors.js";
import { startChunkWorker, type ChunkWorker } from "../jobs/chunk-worker.js";
import { queueSettings } from "../jobs/queue-settings.js";
import { createRedisProviderGate } from "../jobs/redis-provider-gate.js";
import { shareCallWindow } from "../jobs/shared-call-window.js";
import { createLogger, logDestination } from "../logger.js";
import type { CommandIo } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

interface WorkerOptions {
  concurrency: string;
  providerRps?: string;
  queuePrefix?: string;
  lockDurationMs?: string;
  stalledIntervalMs?: string;
  claimLeaseMs?: string;
}

export function registerWorker(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("worker")
    .description(
      "Process queued enrichment work (needs REDIS_URL); Ctrl-C hands unfinished chunks back",
    )
    .option(
      "--concurrency <n>",
      "chunks' worth of LLM calls in flight (× LLM_BATCH_CONCURRENT); one more chunk starts ahead",
      "2",
    )
    .option(
      "--provider-rps <n>",
      "provider requests per second, shared by all workers (default: LLM_PROVIDER_RATE_LIMIT_RPS, else no limit)",
    )
    // Test and benchmark knobs: an isolated queue and short lock times.
    .addOption(new Option("--queue-prefix <prefix>").hideHelp())
    .addOption(new Option("--lock-duration-ms <ms>").hideHelp())
    .addOption(new Option("--stalled-interval-ms <ms>").hideHelp())
    .addOption(new Option("--claim-lease-ms <ms>").hideHelp())
    .action(async (options: WorkerOptions) => {
      const config = loadConfig(io.env);
      if (config.redisUrl === undefined) {
        throw new QueueUnavailableError(
          "rescue-llm worker needs REDIS_URL (the queue it takes work from)",
        );
      }
      const concurrency = positive(options.concurrency, "--concurrency");
      const settings = queueSettings({
        ...(options.queuePrefix !== undefined && { prefix: options.queuePrefix }),
        ...(options.lockDurationMs !== undefined && {
          lockDurationMs: positive(options.lockDurationMs, "--lock-duration-ms"),
        }),
        ...(options.stalledIntervalMs !== undefined && {
          stalledIntervalMs: positive(options.stalledIntervalMs, "--stalled-interval-ms"),
        }),
      });
      const logger = createLogger(config.logLevel, logDestination(config.logFile, process.stderr));
      const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
      let worker: ChunkWorker | undefined;
      const gate = createRedisProviderGate({
        redis,
        keyPrefix: `${settings.prefix}:${settings.queueName}`,
        requestsPerSecond:
          options.providerRps !== undefined
            ? Number(options.providerRps)
            : config.llm.providerRateLimitRps,
        onPause: (pauseMs) => worker?.pauseIntake(pauseMs),
      });
      const services = await openServices(config, {
        logger,
        llmHooks: gate,
        ...(options.claimLeaseMs !== undefined && {
          claimLeaseMs: positive(options.claimLeaseMs, "--claim-lease-ms"),
        }),
      });
      // One chunk more than --concurrency runs at once, within the calls in flight of
      // --concurrency chunks: a chunk waiting on its last calls leaves room to the next.
      const pipeline = {
        ...services.pipeline,
        llm: shareCallWindow(services.pipeline.llm, concurrency * config.batch.concurrent),
      };
      try {
        worker = startChunkWorker(
          {
            redisUrl: config.redisUrl,
            logger,
            settings,
            resolve: (request) => resolveRunRequest(services.pipeline, request),
            run: (plan, control) => runEnrichment(pipeline, plan, control),
          },
          { concurrency: concurrency + 1 },
        );
        logger.info({ concurrency, queue: settings.queueName }, "worker started");
        await new Promise<void>((resolve) => {
          if (io.signal.aborted) resolve();
          else io.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        logger.info("worker stopping: returning unfinished chunks to the queue");
        await worker.close("return");
      } finally {
        gate.close();
        redis.disconnect();
        await services.close();
      }
      // Slots missed: this process woke too late to use them (a busy or starved event loop).
      logger.info({ providerGate: gate.stats() }, "worker stopped");
      setExit(EXIT.ok);
    });
}

function positive(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`${option} must be a positive whole number`, option);
  return n;
}
