import type { Command } from "commander";
import type { CommandIo } from "./command-context.js";
import { registerProcessingCommand } from "./processing-command.js";

export function registerEnrichDescriptions(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  registerProcessingCommand(program, io, setExit, {
    name: "enrich-descriptions",
    processingType: "description_cleaning",
    description: "Clean grammar, spelling and layout of listing descriptions, keeping every fact",
  });
}
