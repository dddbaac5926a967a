import type { Command } from "commander";
import type { CommandIo } from "./command-context.js";
import { registerProcessingCommand } from "./processing-command.js";

export function registerTranslate(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  registerProcessingCommand(program, io, setExit, {
    name: "translate",
    processingType: "translation",
    description: "Translate descriptions into other languages",
    withTarget: true,
  });
}
