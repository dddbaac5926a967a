// The CLI loads only the command it runs; help and a mistyped name still see every command.
import { describe, expect, it } from "vitest";
import { runCliCaptured } from "./run-cli-captured.js";

// SPEC.md's commands, in the order `--help` lists them.
const COMMAND_NAMES = [
  "validate-config",
  "serve",
  "fake-openrouter",
  "cache-stats",
  "migrate",
  "import",
  "stats",
  "enrich-descriptions",
  "generate-profiles",
  "translate",
  "worker",
  "jobs",
  "demo",
  "show",
  "export",
  "batches",
  "costs",
  "experiments",
];

describe("command loading", () => {
  it("--help lists every command, in order", async () => {
    const { code, stdout } = await runCliCaptured(["--help"], {});
    expect(code).toBe(0);
    const commands = stdout.slice(stdout.indexOf("Commands:"));
    const listed = [...commands.matchAll(/^ {2}([a-z-]+)\b/gm)]
      .map((m) => m[1])
      .filter((n) => n !== "help");
    expect(listed).toEqual(COMMAND_NAMES);
  });

  it("a command's own --help loads that command", async () => {
    const { code, stdout } = await runCliCaptured(["stats", "--help"], {});
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: rescue-llm stats/m);
  });

  it("a mistyped command is named, with the nearest real one", async () => {
    const { code, stderr } = await runCliCaptured(["enrich-description"], {});
    expect(code).not.toBe(0);
    expect(stderr).toContain("unknown command 'enrich-description'");
    expect(stderr).toContain("enrich-descriptions");
  });
});
