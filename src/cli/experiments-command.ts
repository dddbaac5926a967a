// `rescue-llm experiments create | start | list | report <id> | stop <id> | promote <id> <arm>`:
// A/B prompt experiments. Variants are prompt files in the repo (prompts/…), copied into the
// experiment's arms when it is created.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { loadConfig, PROCESSING_TYPES, type ProcessingType } from "../config.js";
import { toExperimentJson, toExperimentReportJson } from "../contract/experiment-json.js";
import {
  createExperiment,
  listExperiments,
  loadExperimentReport,
  promoteArm,
  startExperiment,
  stopExperiment,
} from "../db/experiment-store.js";
import { createListingDirectory } from "../db/listing-directory.js";
import { openDatabase } from "../db/open-database.js";
import type { Database } from "../db/database.js";
import {
  EXPERIMENT_METRICS,
  describeDifference,
  type ExperimentReport,
} from "../enrichment/experiments/experiment-report.js";
import { planExperiment, type ArmRequest } from "../enrichment/experiments/experiment-plan.js";
import type { Experiment } from "../enrichment/experiments/experiment-types.js";
import { CONTROL_ARM } from "../enrichment/experiments/experiment-types.js";
import { parseVariantFile } from "../enrichment/experiments/variant-file.js";
import { resolveOrganization } from "../enrichment/pipeline/resolve-run-request.js";
import { ValidationError } from "../errors.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

/** `control`, or `name:path/to/prompt.txt`. */
export function parseVariantOption(spec: string): ArmRequest {
  if (spec === CONTROL_ARM) return { name: CONTROL_ARM, variant: null, sourceFile: null };
  const at = spec.indexOf(":");
  if (at <= 0) {
    throw new ValidationError(
      `--variant "${spec}": write control, or name:prompts/file.txt`,
      "variant",
    );
  }
  const name = spec.slice(0, at);
  const file = spec.slice(at + 1);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ValidationError(`--variant ${name}: cannot read ${file}`, "variant");
  }
  return { name, variant: parseVariantFile(text, file), sourceFile: file };
}

function parseSplit(value: string | undefined): number[] {
  if (value === undefined) return [];
  return value.split(",").map((w) => {
    const n = Number(w.trim());
    if (!Number.isInteger(n))
      throw new ValidationError(`--split: "${w}" is not a whole number`, "split");
    return n;
  });
}

function parseId(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) {
    throw new ValidationError(`experiment id "${value}" is not a number`, "id");
  }
  return Number(value);
}

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

function describeArms(e: Experiment): string {
  const total = e.arms.reduce((n, a) => n + a.weight, 0);
  return e.arms
    .map((a) => {
      const parts = [a.promptVersion, a.sourceFile ?? "default prompt"];
      if (a.model) parts.push(`model ${a.model}`);
      if (a.temperature !== null) parts.push(`temperature ${a.temperature}`);
      return `${a.name} ${Math.round((a.weight / total) * 100)}% (${parts.join(", ")})`;
    })
    .join(" · ");
}

function summaryLine(e: Experiment): string {
  const since =
    e.status === "running" && e.startedAt
      ? ` since ${e.startedAt.toISOString()}`
      : e.status === "stopped" && e.stoppedAt
        ? ` at ${e.stoppedAt.toISOString()}`
        : "";
  const promoted = e.promotedArm ? `, promoted ${e.promotedArm} as ${e.promotedPromptVersion}` : "";
  return `#${e.id} "${e.name}" — ${e.processingType}, ${e.status}${since}${promoted}, ${e.organizationId === null ? "all organizations" : `organization ${e.organizationId}`}`;
}

export function renderReport(report: ExperimentReport): string[] {
  const e = report.experiment;
  const out = [summaryLine(e), `arms: ${describeArms(e)}`, ""];
  const header = ["metric".padEnd(26), ...report.arms.map((a) => a.name.padEnd(20))];
  for (const c of report.comparisons) header.push(`${c.arm} − control (95% CI)`);
  out.push(header.join(""));
  EXPERIMENT_METRICS.forEach((metric, i) => {
    const cells = report.arms.map((arm) => {
      const m = arm.metrics[i]!;
      if (m.n === 0) return "—".padEnd(20);
      const value =
        metric.kind === "rate"
          ? percent(m.value)
          : metric.unit === "usd"
            ? `$${m.value.toFixed(6)}`
            : metric.unit === "share"
              ? percent(m.value)
              : metric.unit === "ms"
                ? `${(m.value / 1000).toFixed(1)} s`
                : m.value.toFixed(0);
      return `${value} (n=${m.n})`.padEnd(20);
    });
    const diffs = report.comparisons.map((c) => {
      const d = c.metrics[i]!;
      if (d.nControl === 0 || d.nArm === 0) return "—";
      const text = describeDifference(metric, d).replace(` ${metric.label}`, "");
      return `${text}${d.better ? "  better" : d.worse ? "  worse" : ""}`;
    });
    out.push([metric.label.padEnd(26), ...cells, ...diffs].join(""));
  });
  out.push("", `Verdict: ${report.verdict}`);
  return out;
}

async function withDatabase<T>(io: CommandIo, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(loadConfig(io.env));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export function registerExperiments(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  const experiments = program
    .command("experiments")
    .description("A/B prompt experiments: create, start, list, report, stop, promote");

  experiments
    .command("create")
    .description("Create a draft experiment of prompt variants (arms) of one processing type")
    .requiredOption("--type <processing_type>", PROCESSING_TYPES.join(" | "))
    .requiredOption("--name <name>", "what the experiment tries, e.g. warmer-bio")
    .option(
      "--variant <arm>",
      "an arm: control (the default prompt) or name:prompts/file.txt (repeat)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option("--split <weights>", "weights per arm in --variant order, e.g. 50,50 (default equal)")
    .option("-o, --organization <config_id>", "only this organization's animals take part")
    .option("--start", "start it right away (else: experiments start <id>)")
    .option("--json", "print the experiment as JSON")
    .action(
      async (options: {
        type: string;
        name: string;
        variant: string[];
        split?: string;
        organization?: string;
        start?: boolean;
        json?: boolean;
      }) => {
        if (!(PROCESSING_TYPES as readonly string[]).includes(options.type)) {
          throw new ValidationError(
            `--type must be one of ${PROCESSING_TYPES.join(", ")}`,
            "processing_type",
          );
        }
        const processingType = options.type as ProcessingType;
        const arms = options.variant.map(parseVariantOption);
        const experiment = await withDatabase(io, async (db) => {
          const organization =
            options.organization === undefined
              ? undefined
              : await resolveOrganization(createListingDirectory(db), options.organization);
          const planned = planExperiment({
            name: options.name,
            processingType,
            organizationId: organization?.id ?? null,
            arms,
            split: parseSplit(options.split),
          });
          const created = await createExperiment(db, {
            name: options.name,
            processingType,
            organizationId: organization?.id ?? null,
            arms: planned,
          });
          return options.start ? startExperiment(db, created.id) : created;
        });
        if (options.json) writeLine(io.stdout, JSON.stringify(toExperimentJson(experiment)));
        else {
          writeLine(io.stdout, `Created experiment ${summaryLine(experiment)}`);
          writeLine(io.stdout, `arms: ${describeArms(experiment)}`);
          if (experiment.status === "draft") {
            writeLine(io.stdout, `Start it with: rescue-llm experiments start ${experiment.id}`);
          }
        }
        setExit(EXIT.ok);
      },
    );

  experiments
    .command("start <id>")
    .description("Start a draft: runs of its type now assign each animal an arm")
    .action(async (id: string) => {
      const e = await withDatabase(io, (db) => startExperiment(db, parseId(id)));
      writeLine(io.stdout, `Started ${summaryLine(e)}`);
      setExit(EXIT.ok);
    });

  experiments
    .command("list")
    .description("List experiments and their arms")
    .option("--json", "print one JSON array")
    .action(async (options: { json?: boolean }) => {
      const all = await withDatabase(io, (db) => listExperiments(db));
      if (options.json) writeLine(io.stdout, JSON.stringify(all.map(toExperimentJson)));
      else if (all.length === 0) writeLine(io.stdout, "No experiments yet.");
      else {
        for (const e of all) {
          writeLine(io.stdout, summaryLine(e));
          writeLine(io.stdout, `  arms: ${describeArms(e)}`);
        }
      }
      setExit(EXIT.ok);
    });

  experiments
    .command("report <id>")
    .description("Metrics per arm, differences with 95% intervals, and which arm to keep")
    .option("--json", "print the report as GET /api/llm/experiments/:id does")
    .action(async (id: string, options: { json?: boolean }) => {
      const report = await withDatabase(io, (db) => loadExperimentReport(db, parseId(id)));
      if (options.json) writeLine(io.stdout, JSON.stringify(toExperimentReportJson(report)));
      else for (const line of renderReport(report)) writeLine(io.stdout, line);
      setExit(EXIT.ok);
    });

  experiments
    .command("stop <id>")
    .description("Stop an experiment: results stay, new runs use the default prompt")
    .action(async (id: string) => {
      const e = await withDatabase(io, (db) => stopExperiment(db, parseId(id)));
      writeLine(io.stdout, `Stopped ${summaryLine(e)}`);
      setExit(EXIT.ok);
    });

  experiments
    .command("promote <id> <arm>")
    .description("Make an arm the type's default, as a new prompt version (stops the experiment)")
    .action(async (id: string, arm: string) => {
      const e = await withDatabase(io, (db) => promoteArm(db, parseId(id), arm));
      writeLine(
        io.stdout,
        `Promoted ${arm} of experiment ${e.id}: ${e.processingType} now runs ${e.promotedPromptVersion}. Reruns redo its items with it.`,
      );
      setExit(EXIT.ok);
    });
}
