import type { Command } from "commander";
import { descriptionCleaningType } from "../enrichment/processing-types/description-cleaning-type.js";
import type { CommandIo } from "./command-context.js";
import { registerProcessingCommand } from "./processing-command.js";

export function registerEnrichDescriptions(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  registerProcessingCommand(program, io, setExit, {
    name: "enrich-descriptions",
    definition: descriptionCleaningType,
    description: "Clean grammar, spelling and layout of listing descriptions, keeping every fact",
  });
}
