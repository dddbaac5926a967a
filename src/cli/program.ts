// Builds the commander program; `runCli` is what bin and in-process tests call.
import { Command, CommanderError } from "commander";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { describeError, EXIT, exitCodeFor } from "./exit-codes.js";
import { registerServe } from "./serve-command.js";
import { registerValidateConfig } from "./validate-config-command.js";
import { registerFakeOpenRouter } from "./fake-openrouter-command.js";
import { registerCacheStats } from "./cache-stats-command.js";
import { registerMigrate } from "./migrate-command.js";
import { registerImport } from "./import-command.js";
import { registerStats } from "./stats-command.js";
import { registerEnrichDescriptions } from "./enrich-descriptions-command.js";
import { registerGenerateProfiles } from "./generate-profiles-command.js";
import { registerTranslate } from "./translate-command.js";
import { registerWorker } from "./worker-command.js";
import { registerJobs } from "./jobs-command.js";
import { registerDemo } from "./demo-command.js";
import { packageVersion } from "./package-version.js";
import { registerShow } from "./show-command.js";
import { registerExport } from "./export-command.js";
import { registerBatches } from "./batches-command.js";
import { registerCosts } from "./costs-command.js";
import { registerExperiments } from "./experiments-command.js";

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
  registerValidateConfig(program, io, setExit);
  registerServe(program, io, setExit);
  registerFakeOpenRouter(program, io, setExit);
  registerCacheStats(program, io, setExit);
  registerMigrate(program, io, setExit);
  registerImport(program, io, setExit);
  registerStats(program, io, setExit);
  registerEnrichDescriptions(program, io, setExit);
  registerGenerateProfiles(program, io, setExit);
  registerTranslate(program, io, setExit);
  registerWorker(program, io, setExit);
  registerJobs(program, io, setExit);
  registerDemo(program, io, setExit);
  registerShow(program, io, setExit);
  registerExport(program, io, setExit);
  registerBatches(program, io, setExit);
  registerCosts(program, io, setExit);
  registerExperiments(program, io, setExit);
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
