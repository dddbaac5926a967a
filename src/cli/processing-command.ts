// What enrich-descriptions, generate-profiles and translate share: options, parsing, dry
// runs, queueing, the run with its progress, the summary and the exit code. The request is
// checked by resolveRunRequest, like every other edge's.
import type { Command } from "commander";
import { loadConfig, SUPPORTED_LANGUAGES, type Config, type LanguageCode } from "../config.js";
import { openServices } from "../composition-root.js";
import { perMillion, toDryRunJson } from "../contract/dry-run-json.js";
import { isNothingToDo, toRunSummaryJson } from "../contract/run-summary-json.js";
import { planDryRun } from "../enrichment/pipeline/plan-dry-run.js";
import { resolveRunRequest } from "../enrichment/pipeline/resolve-run-request.js";
import { runEnrichment } from "../enrichment/pipeline/run-enrichment.js";
import type { RequestFieldNames } from "../enrichment/pipeline/run-request.js";
import type { DryRunSummary, RunSummary } from "../enrichment/pipeline/run-types.js";
import { skipReasonEntries, skipReasonLabel } from "../enrichment/skip-reason.js";
import type { ProcessingTypeDefinition } from "../enrichment/processing-types/processing-type-definition.js";
import { QueueUnavailableError, ValidationError } from "../errors.js";
import { createHeldLogStream, createLogger, logDestination } from "../logger.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT, exitCodeForRun } from "./exit-codes.js";
import { noteProgress } from "./interrupt-summary.js";
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
  batchApi?: boolean;
}

export interface ProcessingCommandSpec {
  readonly name: string;
  readonly definition: ProcessingTypeDefinition;
  readonly description: string;
}

/** Errors name the options as the user typed them. */
const FIELD_NAMES = {
  organization: "--organization",
  targetLanguages: "--target",
  limit: "--limit",
  batchSize: "--batch-size",
  replaceStaffEdits: "--replace-staff-edits",
} as const satisfies Partial<RequestFieldNames>;

export function registerProcessingCommand(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
  spec: ProcessingCommandSpec,
): void {
  const command = program
    .command(spec.name)
    .description(spec.description)
    .option("-o, --organization <config_id>", "only this organization's listings (or its id)")
    .option("-l, --limit <n>", "at most this many items (animal × target language)")
    .option("-b, --batch-size <n>", "rows written per statement (1..LLM_BATCH_MAX_SIZE)")
    .option("--dry-run", "count, sample and estimate cost; no LLM call, no write")
    .option("--force", "redo items already done for the same source and prompt version")
    .option(
      "--replace-staff-edits",
      "with --force: new outputs replace staff edits (kept otherwise)",
    )
    .option("--json", "print one JSON summary object")
    .option(
      "--batch-api",
      "send the work through the provider's Batch API (about half price, answers within hours; a rerun resumes waiting)",
    )
    .option("--queue", "enqueue for `rescue-llm worker` processes instead (needs REDIS_URL)");
  if (spec.definition.fansOutOverLanguages) {
    command.option(
      "-t, --target <lang[,lang…]>",
      "target languages (ISO 639-1), default LLM_TRANSLATION_LANGUAGES",
    );
  }
  command.action(async (options: ProcessingOptions) => {
    setExit(await runProcessingCommand(io, spec, options));
  });
}

/** A whole number as typed; its range is the resolver's to check. */
function wholeNumber(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) {
    throw new ValidationError(`${option}: must be a whole number, got "${value}"`, option);
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
      "--target",
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
  const request = {
    processingType: spec.definition.name,
    organization: options.organization,
    limit: wholeNumber(options.limit, FIELD_NAMES.limit),
    batchSize: wholeNumber(options.batchSize, FIELD_NAMES.batchSize),
    targetLanguages: parseTargets(options.target),
    force: options.force,
    replaceStaffEdits: options.replaceStaffEdits,
    mode: options.batchApi ? ("batch" as const) : undefined,
  };
  if (!options.dryRun) requireProvider(config);
  if (options.replaceStaffEdits && options.queue) {
    throw new ValidationError(
      "--replace-staff-edits runs in this process only, not with --queue",
      FIELD_NAMES.replaceStaffEdits,
    );
  }
  if (options.queue && config.redisUrl === undefined) {
    throw new QueueUnavailableError("--queue needs REDIS_URL: workers take queued work from Redis");
  }

  // JSON logs never break into the progress bar: LOG_FILE when set; else, on a terminal, they
  // wait until the bar is gone; off a terminal they go to stderr as they come.
  const held =
    config.logFile === undefined && io.stderr.isTTY ? createHeldLogStream(io.stderr) : undefined;
  const logger = createLogger(config.logLevel, held ?? logDestination(config.logFile, io.stderr));
  const services = await openServices(config, { logger });
  try {
    const plan = await resolveRunRequest(services.pipeline, request, FIELD_NAMES);

    if (options.dryRun) {
      printDryRun(io, spec, await planDryRun(services.pipeline, plan), options.json ?? false);
      return EXIT.ok;
    }

    if (options.queue) {
      const { id } = await services.jobs.enqueue(plan);
      if (options.json) writeLine(io.stdout, JSON.stringify({ job_id: id }));
      else writeLine(io.stdout, `Queued job ${id}; follow it with: rescue-llm jobs ${id}`);
      return EXIT.ok;
    }

    const reporter = createProgressReporter(io.stderr, spec.name);
    let summary: RunSummary;
    try {
      summary = await runEnrichment(services.pipeline, plan, {
        signal: io.signal,
        onProgress: (p) => {
          reporter.update(p);
          noteProgress(spec.name, p);
        },
      });
    } finally {
      reporter.stop();
      held?.release();
    }
    printSummary(io, spec, summary, options.json ?? false);
    return exitCodeForRun(summary);
  } finally {
    await services.close();
    held?.release();
  }
}

function printDryRun(
  io: CommandIo,
  spec: ProcessingCommandSpec,
  plan: DryRunSummary,
  json: boolean,
): void {
  if (json) {
    writeLine(io.stdout, JSON.stringify(toDryRunJson(plan)));
    return;
  }
  const line = (label: string, value: string) =>
    writeLine(io.stdout, `  ${label.padEnd(22)}${value}`);
  writeLine(io.stdout, `Dry run of ${spec.name}: no LLM call, nothing written.`);
  line("would process:", `${plan.itemCount} item(s)`);
  line("  would call the model:", String(plan.wouldCall));
  const skips = skipReasonEntries(plan.wouldSkip).map(
    ([code, n]) => `${skipReasonLabel(code)} ${n}`,
  );
  const skipped = Object.values(plan.wouldSkip).reduce((a, b) => a + b, 0);
  line("  would skip:", `${skipped}${skips.length > 0 ? ` (${skips.join(", ")})` : ""}`);
  line("  answered from cache:", String(plan.cached));
  if (plan.withoutCall > 0) line("  done without a call:", String(plan.withoutCall));
  line("up to date:", `${plan.upToDate} (not taken; --force redoes them)`);
  if (plan.heldByOtherRuns > 0) line("held by other runs:", String(plan.heldByOtherRuns));
  for (const s of plan.samples) {
    const lang = s.targetLanguage ? ` → ${s.targetLanguage}` : "";
    writeLine(io.stdout, `    e.g. #${s.animalId} ${s.name}${lang} (${s.sourceChars} chars)`);
  }
  line(
    "estimated tokens:",
    `${plan.estimatedPromptTokens} prompt + ${plan.estimatedCompletionTokens} completion (the calls above, re-asks not included)`,
  );
  if (plan.verification !== undefined) {
    const v = plan.verification;
    line(
      "",
      `of which ${v.promptTokens} + ${v.completionTokens} for ${v.calls} verification call(s) with ${v.model} (LLM_VERIFY; LLM_VERIFY=off saves them)`,
    );
  }
  const price = plan.price;
  if (price.known && plan.estimatedCostUsd !== undefined) {
    line(
      "estimated cost:",
      `$${plan.estimatedCostUsd.toFixed(4)} at ${price.modelId}'s listed price ` +
        `($${perMillion(price.sync.promptUsdPerToken)} prompt / $${perMillion(price.sync.completionUsdPerToken)} completion per million tokens, GET /models)`,
    );
  } else if (!price.known) {
    line("estimated cost:", `unknown: ${price.reason}`);
  }
  if (price.known && plan.estimatedBatchCostUsd !== undefined) {
    line(
      "",
      `$${plan.estimatedBatchCostUsd.toFixed(4)} with --batch-api (batch price ${price.batchPriceSource === "listed" ? "listed" : "taken as 50% of the listed one"})`,
    );
  }
}

/** Failures listed one by one after a summary; the rest are counted. */
export const FAILURES_SHOWN = 5;

function printSummary(
  io: CommandIo,
  spec: ProcessingCommandSpec,
  summary: RunSummary,
  json: boolean,
): void {
  if (json) {
    writeLine(io.stdout, JSON.stringify(toRunSummaryJson(summary)));
    return;
  }
  writeLine(io.stdout, "");
  if (isNothingToDo(summary)) {
    writeLine(io.stdout, `  ${nothingToDoLine(summary)}`);
    return;
  }
  const attempted = summary.succeeded + summary.failed;
  const rows: [string, string][] = [
    ["processed", String(summary.processed)],
    ["succeeded", String(summary.succeeded)],
    ["failed", String(summary.failed)],
    ["skipped", `${summary.skipped}${skipBreakdown(summary)}`],
    [
      "success rate",
      summary.successRatePercent === undefined
        ? "- (nothing attempted: every item was skipped)"
        : `${summary.successRatePercent}% of ${attempted} attempted (skips not counted)`,
    ],
    ["time", `${(summary.processingTimeMs / 1000).toFixed(1)}s`],
    [
      "LLM calls",
      summary.verificationCalls > 0
        ? `${summary.llmCalls} (${summary.verificationCalls} of them verifications, LLM_VERIFY)`
        : String(summary.llmCalls),
    ],
    ["cache hits", String(summary.cacheHits)],
    ["cost", `$${summary.costUsd.toFixed(4)}`],
  ];
  if (summary.upToDate > 0) rows.push(["up to date", `${summary.upToDate} (not taken)`]);
  if (summary.heldByOtherRuns > 0)
    rows.push(["held elsewhere", `${summary.heldByOtherRuns} (another run has them)`]);
  if (summary.transport === "batch") {
    const b = summary.batch;
    rows.push([
      "transport",
      `Batch API (${summary.transportReason ?? ""}): ${b?.batches ?? 0} batch(es), ${b?.completed ?? 0}/${b?.requests ?? 0} requests completed, ${b?.failed ?? 0} failed`,
    ]);
  }
  if ((summary.returnedToPending ?? 0) > 0) {
    rows.push([
      "back to pending",
      `${summary.returnedToPending} (their batch requests did not run; a rerun sends them again)`,
    ]);
  }
  for (const [k, v] of rows) writeLine(io.stdout, `  ${k.padEnd(14)} ${v}`);
  if (summary.stop !== undefined)
    writeLine(io.stdout, `  stopped        ${summary.stop.error.message}`);
  const open = summary.openBatches ?? [];
  if (open.length > 0) {
    writeLine(
      io.stdout,
      `  waiting        stopped waiting for ${open.length} provider batch(es) (${open.join(", ")}); they keep running and their items stay claimed.`,
    );
    writeLine(
      io.stdout,
      `                 To resume, run \`rescue-llm ${spec.name} --batch-api\` again; \`rescue-llm batches\` lists them.`,
    );
  }
  for (const line of failureLines(summary)) writeLine(io.stdout, `  ${line}`);
}

function skipBreakdown(summary: RunSummary): string {
  const parts = skipReasonEntries(summary.skippedByReason).map(
    ([code, n]) => `${skipReasonLabel(code)} ${n}`,
  );
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

function nothingToDoLine(summary: RunSummary): string {
  const why: string[] = [];
  if (summary.upToDate > 0)
    why.push(`${summary.upToDate} item(s) up to date for the current source and prompt`);
  if (summary.heldByOtherRuns > 0)
    why.push(`${summary.heldByOtherRuns} item(s) held by another run`);
  if (why.length === 0) why.push("no item matches");
  const hint = summary.upToDate > 0 ? " (--force redoes them)" : "";
  return `Nothing to do: ${why.join(", ")}${hint}.`;
}

/** The first failures with their reasons, then how many more there are. */
export function failureLines(summary: Pick<RunSummary, "failed" | "items">): string[] {
  const failures = summary.items.filter((i) => i.status === "failed");
  const lines = failures
    .slice(0, FAILURES_SHOWN)
    .map(
      (f) =>
        `failed #${f.animalId}${f.targetLanguage ? ` (${f.targetLanguage})` : ""}: ${(f.reasons ?? []).join("; ")}`,
    );
  const more = summary.failed - lines.length;
  if (more > 0) lines.push(`… and ${more} more failed (rescue-llm show <id> for one dog)`);
  return lines;
}
