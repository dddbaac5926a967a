// Builds the commander program; `runCli` is what bin and in-process tests call.
import { Command, CommanderError } from "commander";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { describeError, EXIT, exitCodeFor } from "./exit-codes.js";
import { packageVersion } from "./package-version.js";

type Register = (program: Command, io: CommandIo, setExit: (code: number) => void) => void;

// Each command's module, loaded only when needed: one command's run loads its own libraries,
// not every command's (fastify, BullMQ, the lexicons… cost a second at every start when all
// were imported up front). Help, a bare `rescue-llm` or an unknown name loads them all, in
// this order (the order `--help` lists them in).
const COMMANDS: readonly (readonly [name: string, load: () => Promise<Register>])[] = [
  [
    "validate-config",
    async () => (await import("./validate-config-command.js")).registerValidateConfig,
  ],
  ["serve", async () => (await import("./serve-command.js")).registerServe],
  [
    "fake-openrouter",
    async () => (await import("./fake-openrouter-command.js")).registerFakeOpenRouter,
  ],
  ["cache-stats", async () => (await import("./cache-stats-command.js")).registerCacheStats],
  ["migrate", async () => (await import("./migrate-command.js")).registerMigrate],
  ["import", async () => (await import("./import-command.js")).registerImport],
  ["stats", async () => (await import("./stats-command.js")).registerStats],
  [
    "enrich-descriptions",
    async () => (await import("./enrich-descriptions-command.js")).registerEnrichDescriptions,
  ],
  [
    "generate-profiles",
    async () => (await import("./generate-profiles-command.js")).registerGenerateProfiles,
  ],
  ["translate", async () => (await import("./translate-command.js")).registerTranslate],
  ["worker", async () => (await import("./worker-command.js")).registerWorker],
  ["jobs", async () => (await import("./jobs-command.js")).registerJobs],
  ["demo", async () => (await import("./demo-command.js")).registerDemo],
  ["show", async () => (await import("./show-command.js")).registerShow],
  ["export", async () => (await import("./export-command.js")).registerExport],
  ["batches", async () => (await import("./batches-command.js")).registerBatches],
  ["costs", async () => (await import("./costs-command.js")).registerCosts],
  ["experiments", async () => (await import("./experiments-command.js")).registerExperiments],
];

/** The commands `argv` needs: the one it names, none for the version, else all (help, a typo). */
function commandsFor(argv: readonly string[]): (typeof COMMANDS)[number][] {
  const first = argv.find((a) => !a.startsWith("-"));
  const named = COMMANDS.find(([name]) => name === first);
  if (named) return [named];
  const versionOnly = argv.length > 0 && argv.every((a) => a === "-V" || a === "--version");
  return versionOnly ? [] : [...COMMANDS];
}

export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name("rescue-llm")
    .description("LLM enrichment for rescue-dog adoption listings")
    .version(packageVersion(), "-V, --version", "print the version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of await Promise.all(commandsFor(argv).map(([, load]) => load()))) {
    register(program, io, setExit);
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    writeLine(io.stderr, `error: ${describeError(error)}`);
    return exitCodeFor(error);
  }
}
