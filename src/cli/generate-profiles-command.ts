import type { Command } from "commander";
import { dogProfilerType } from "../enrichment/processing-types/dog-profiler-type.js";
import type { CommandIo } from "./command-context.js";
import { registerProcessingCommand } from "./processing-command.js";

export function registerGenerateProfiles(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  registerProcessingCommand(program, io, setExit, {
    name: "generate-profiles",
    definition: dogProfilerType,
    description: "Write evidence-grounded personality profiles for matching",
  });
}
