// Builds the commander program; `runCli` is what bin and in-process tests call.
import { Command, CommanderError } from "commander";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { describeError, EXIT, exitCodeFor } from "./exit-codes.js";
import { registerValidateConfig } from "./validate-config-command.js";

export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name("rescue-llm")
    .description("LLM enrichment for rescue-dog adoption listings")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  registerValidateConfig(program, io, setExit);
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
