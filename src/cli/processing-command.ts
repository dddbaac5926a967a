// What enrich-descriptions, generate-profiles and translate share: options, validation,
// dry runs, queueing, the run with its progress, the summary and the exit code.
import type { Command } from "commander";
import {
  loadConfig,
  SUPPORTED_LANGUAGES,
  type Config,
  type LanguageCode,
  type ProcessingType,
} from "../config.js";
import { openServices } from "../composition-root.js";
import { findOrganizationByConfigId } from "../db/organization-store.js";
import { planDryRun } from "../enrichment/pipeline/plan-dry-run.js";
import {
  assertFeatureEnabled,
  resolveBatchSize,
  runEnrichment,
} from "../enrichment/pipeline/run-enrichment.js";
import type { DryRunSummary, RunRequest, RunSummary } from "../enrichment/pipeline/run-types.js";
import { NotFoundError, QueueUnavailableError, ValidationError } from "../errors.js";
import { createLogger } from "../logger.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";
import { createProgressReporter } from "./progress-reporter.js";

interface ProcessingOptions {
  organization?: string;
  limit?: string;
  batchSize?: string;
  dryRun?: boolean;
  force?: boolean;
  replaceStaffEdits?: boolean;
  json?: boolean;
  queue?: boolean;
  target?: string;
}

export interface ProcessingCommandSpec {
  readonly name: string;
  readonly processingType: ProcessingType;
  readonly description: string;
  readonly withTarget?: boolean;
}

/** Stops that mean "the account or budget cannot go on" (exit 3). */
const ABORT_CODES = new Set(["llm_auth", "llm_payment_required", "budget_exceeded"]);

export function registerProcessingCommand(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
  spec: ProcessingCommandSpec,
): void {
  const command = program
    .command(spec.name)
    .description(spec.description)
    .option("-o, --organization <config_id>", "only this organization's listings")
    .option("-l, --limit <n>", "at most this many items")
    .option("-b, --batch-size <n>", "rows written per statement (1..LLM_BATCH_MAX_SIZE)")
    .option("--dry-run", "count, sample and estimate cost; no LLM call, no write")
    .option("--force", "redo items already done for the same source and prompt version")
    .option(
      "--replace-staff-edits",
      "with --force: new outputs replace staff edits (kept otherwise)",
    )
    .option("--json", "print one JSON summary object")
    .option("--queue", "enqueue for `rescue-llm worker` processes instead (needs REDIS_URL)");
  if (spec.withTarget) {
    command.option(
      "-t, --target <lang[,lang…]>",
      "target languages (ISO 639-1), default LLM_TRANSLATION_LANGUAGES",
    );
  }
  command.action(async (options: ProcessingOptions) => {
    setExit(await runProcessingCommand(io, spec, options));
  });
}

function positiveInt(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new ValidationError(`${field} must be a positive whole number, got "${value}"`, field);
  }
  return Number(value);
}

function parseTargets(value: string | undefined): LanguageCode[] | undefined {
  if (value === undefined) return undefined;
  const codes = value
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  const unknown = codes.filter((c) => !(SUPPORTED_LANGUAGES as readonly string[]).includes(c));
  if (codes.length === 0 || unknown.length > 0) {
    throw new ValidationError(
      `--target takes ISO 639-1 codes from ${SUPPORTED_LANGUAGES.join(",")}; unknown: ${unknown.join(",") || "(none given)"}`,
      "target",
    );
  }
  return codes as LanguageCode[];
}

function requireProvider(config: Config): void {
  const official = new URL(config.llm.baseUrl).hostname.endsWith("openrouter.ai");
  if (official && config.llm.apiKey === undefined) {
    throw new ValidationError(
      "OPENROUTER_API_KEY is not set: it is required for calls to OpenRouter " +
        "(use --dry-run to preview, or point LLM_BASE_URL at a local endpoint)",
      "OPENROUTER_API_KEY",
    );
  }
}

async function runProcessingCommand(
  io: CommandIo,
  spec: ProcessingCommandSpec,
  options: ProcessingOptions,
): Promise<number> {
  const config = loadConfig(io.env);
  assertFeatureEnabled(config, spec.processingType);
  const limit = positiveInt(options.limit, "limit");
  const batchSize = resolveBatchSize(config, positiveInt(options.batchSize, "batch-size"));
  const targetLanguages = spec.withTarget ? parseTargets(options.target) : undefined;
  if (!options.dryRun) requireProvider(config);
  if (options.replaceStaffEdits && options.queue) {
    throw new ValidationError(
      "--replace-staff-edits runs in this process only, not with --queue",
      "replace-staff-edits",
    );
  }
  if (options.queue && config.redisUrl === undefined) {
    throw new QueueUnavailableError("--queue needs REDIS_URL: workers take queued work from Redis");
  }

  const logger = createLogger(config.logLevel, io.stderr);
  const services = await openServices(config, { logger });
  try {
    if (options.organization !== undefined) {
      const org = await findOrganizationByConfigId(services.db, options.organization);
      if (org === undefined) {
        throw new NotFoundError(
          `Unknown organization "${options.organization}" (no organizations.config_id matches)`,
        );
      }
    }
    const request: RunRequest = {
      processingType: spec.processingType,
      batchSize,
      force: options.force ?? false,
      ...(options.replaceStaffEdits === true && { replaceStaffEdits: true }),
      ...(options.organization !== undefined && { organizationConfigId: options.organization }),
      ...(limit !== undefined && { limit }),
      ...(targetLanguages !== undefined && { targetLanguages }),
    };

    if (options.dryRun) {
      const plan = await planDryRun(services.pipeline, request);
      printDryRun(io, spec, plan, options.json ?? false);
      return EXIT.ok;
    }

    if (options.queue) {
      const { id } = await services.jobs.enqueue(request);
      if (options.json) writeLine(io.stdout, JSON.stringify({ job_id: id }));
      else writeLine(io.stdout, `Queued job ${id}; follow it with: rescue-llm jobs ${id}`);
      return EXIT.ok;
    }

    const reporter = createProgressReporter(io.stderr, spec.name);
    let summary: RunSummary;
    try {
      summary = await runEnrichment(services.pipeline, {
        ...request,
        signal: io.signal,
        onProgress: (p) => reporter.update(p),
      });
    } finally {
      reporter.stop();
    }
    printSummary(io, summary, options.json ?? false);
    if (summary.stopped !== undefined && ABORT_CODES.has(summary.stopped.code)) return EXIT.aborted;
    if (summary.failed > 0 || summary.stopped !== undefined) return EXIT.someFailed;
    return EXIT.ok;
  } finally {
    await services.close();
  }
}

function printDryRun(
  io: CommandIo,
  spec: ProcessingCommandSpec,
  plan: DryRunSummary,
  json: boolean,
): void {
  if (json) {
    writeLine(io.stdout, JSON.stringify({ dry_run: true, ...plan }));
    return;
  }
  writeLine(io.stdout, `Dry run of ${spec.name}: no LLM call, nothing written.`);
  writeLine(io.stdout, `  would process:        ${plan.would_process} item(s)`);
  for (const s of plan.samples) {
    const lang = s.targetLanguage ? ` → ${s.targetLanguage}` : "";
    writeLine(io.stdout, `    e.g. #${s.animalId} ${s.name}${lang} (${s.sourceChars} chars)`);
  }
  writeLine(
    io.stdout,
    `  estimated tokens:     ${plan.estimated_prompt_tokens} prompt + ${plan.estimated_completion_tokens} completion`,
  );
  writeLine(
    io.stdout,
    `  estimated cost:       $${plan.estimated_cost_usd.toFixed(4)} (assumes a small model's price)`,
  );
}

function printSummary(io: CommandIo, summary: RunSummary, json: boolean): void {
  if (json) {
    const { items: _items, ...rest } = summary;
    writeLine(io.stdout, JSON.stringify(rest));
    return;
  }
  const rows: [string, string][] = [
    ["processed", String(summary.total_processed)],
    ["succeeded", String(summary.succeeded)],
    ["failed", String(summary.failed)],
    ["skipped", String(summary.skipped)],
    ["success rate", `${summary.success_rate}%`],
    ["time", `${summary.processing_time.toFixed(1)}s`],
    ["LLM calls", String(summary.llm_calls)],
    ["cache hits", String(summary.cache_hits)],
    ["cost", `$${summary.cost_usd.toFixed(4)}`],
  ];
  writeLine(io.stdout, "");
  for (const [k, v] of rows) writeLine(io.stdout, `  ${k.padEnd(14)} ${v}`);
  if (summary.stopped !== undefined)
    writeLine(io.stdout, `  stopped        ${summary.stopped.message}`);
  const failures = summary.items.filter((i) => i.status === "failed").slice(0, 5);
  for (const f of failures) {
    writeLine(
      io.stdout,
      `  failed #${f.animalId}${f.targetLanguage ? ` (${f.targetLanguage})` : ""}: ${(f.reasons ?? []).join("; ")}`,
    );
  }
}
