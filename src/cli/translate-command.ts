import type { Command } from "commander";
import { translationType } from "../enrichment/processing-types/translation-type.js";
import type { CommandIo } from "./command-context.js";
import { registerProcessingCommand } from "./processing-command.js";

export function registerTranslate(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  registerProcessingCommand(program, io, setExit, {
    name: "translate",
    definition: translationType,
    description: "Translate descriptions into other languages",
  });
}
