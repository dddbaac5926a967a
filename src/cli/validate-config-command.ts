import type { Command } from "commander";
import { describeConfig, loadConfig } from "../config.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

export function registerValidateConfig(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("validate-config")
    .description("Check the environment configuration; exit 0 when valid, 2 when not")
    .option("--json", "print the parsed configuration as JSON (secrets masked)")
    .action((options: { json?: boolean }) => {
      const config = loadConfig(io.env);
      const view = describeConfig(config);
      if (options.json) writeLine(io.stdout, JSON.stringify(view, null, 2));
      else {
        writeLine(io.stdout, "Configuration is valid.");
        writeLine(io.stdout, JSON.stringify(view, null, 2));
      }
      setExit(EXIT.ok);
    });
}
