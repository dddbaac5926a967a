// `rescue-llm jobs [id]`: queued, running and finished jobs of the distributed queue.
import { Option, type Command } from "commander";
import { loadConfig } from "../config.js";
import { toJobStateJson } from "../contract/job-state-json.js";
import { NotFoundError, QueueUnavailableError } from "../errors.js";
import { createBullmqJobQueue } from "../jobs/bullmq-job-queue.js";
import type { JobState } from "../jobs/job-queue.js";
import { queueSettings } from "../jobs/queue-settings.js";
import { createLogger, logDestination } from "../logger.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

export function registerJobs(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("jobs [id]")
    .description(
      "List queued/running/finished jobs, or show one job's state, counts and cost (needs REDIS_URL)",
    )
    .option("--json", "print JSON")
    .option("-l, --limit <n>", "jobs listed, newest first", "20")
    .addOption(new Option("--queue-prefix <prefix>").hideHelp())
    .action(
      async (
        id: string | undefined,
        options: { json?: boolean; limit: string; queuePrefix?: string },
      ) => {
        const config = loadConfig(io.env);
        if (config.redisUrl === undefined) {
          throw new QueueUnavailableError(
            "rescue-llm jobs needs REDIS_URL; without it jobs run inside the process that started them",
          );
        }
        const doesNotEnqueue = () => Promise.reject(new Error("rescue-llm jobs does not enqueue"));
        const jobs = createBullmqJobQueue({
          redisUrl: config.redisUrl,
          listAnimalIds: doesNotEnqueue,
          listPendingItems: doesNotEnqueue,
          logger: createLogger(config.logLevel, logDestination(config.logFile, process.stderr)),
          settings: queueSettings(
            options.queuePrefix !== undefined ? { prefix: options.queuePrefix } : {},
          ),
        });
        try {
          if (id !== undefined) {
            const job = await jobs.get(id);
            if (!job) throw new NotFoundError(`No job ${id}`);
            if (options.json) writeLine(io.stdout, JSON.stringify(toJobStateJson(job)));
            else printJob(io, job);
          } else {
            const list = await jobs.list({ limit: Math.max(1, Number(options.limit) || 20) });
            if (options.json) writeLine(io.stdout, JSON.stringify(list.map(toJobStateJson)));
            else printTable(io, list);
          }
        } finally {
          await jobs.close();
        }
        setExit(EXIT.ok);
      },
    );
}

function printTable(io: CommandIo, jobs: readonly JobState[]): void {
  if (jobs.length === 0) {
    writeLine(io.stdout, "No jobs.");
    return;
  }
  const header = [
    "ID",
    "TYPE",
    "STATE",
    "DONE/TOTAL",
    "OK",
    "FAILED",
    "SKIPPED",
    "CALLS",
    "COST $",
    "CREATED",
  ];
  const rows = jobs.map((j) => [
    j.id,
    j.processingType,
    j.state,
    `${j.done}/${j.total}`,
    String(j.succeeded),
    String(j.failed),
    String(j.skipped),
    String(j.llmCalls),
    j.costUsd.toFixed(4),
    j.createdAt,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of [header, ...rows]) {
    writeLine(
      io.stdout,
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  }
}

function printJob(io: CommandIo, job: JobState): void {
  const lines: [string, string][] = [
    ["Job", job.id],
    ["Type", job.processingType],
    ["State", job.state],
    ["Progress", `${job.done}/${job.total}`],
    ["Succeeded", String(job.succeeded)],
    ["Failed", String(job.failed)],
    ["Skipped", String(job.skipped)],
    ["LLM calls", String(job.llmCalls)],
    ["Cost", `$${job.costUsd.toFixed(4)}`],
    ["Created", job.createdAt],
    ["Finished", job.finishedAt ?? "-"],
  ];
  for (const [label, value] of lines) writeLine(io.stdout, `${label.padEnd(11)}${value}`);
  if (job.failedChunks.length > 0) {
    writeLine(io.stdout, `Failed chunks (${job.failedChunks.length}):`);
    for (const chunk of job.failedChunks)
      writeLine(io.stdout, `  ${chunk.chunkId}: ${chunk.error}`);
  }
}
