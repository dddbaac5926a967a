import type { Command } from "commander";
import type { CommandIo } from "./command-context.js";
import { registerProcessingCommand } from "./processing-command.js";

export function registerGenerateProfiles(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  registerProcessingCommand(program, io, setExit, {
    name: "generate-profiles",
    processingType: "dog_profiler",
    description: "Write evidence-grounded personality profiles for matching",
  });
}
