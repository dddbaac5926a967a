// `rescue-llm --version` prints package.json's version; the README's `npx rescue-llm …` works
// in a checkout after `npm ci` (its `prepare` builds dist/, which package.json's bin names).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCliCaptured } from "./run-cli-captured.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
  version: string;
};

describe("rescue-llm --version", () => {
  it("prints package.json's version and exits 0", async () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ["--version", "-V"]) {
      expect(await runCliCaptured([flag], {})).toEqual({
        code: 0,
        stdout: `${version}\n`,
        stderr: "",
      });
    }
  });

  it("works through npx from the checkout, as the README says", { timeout: 60_000 }, async () => {
    const { stdout } = await run("npx", ["--no-install", "rescue-llm", "--version"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(stdout).toBe(`${version}\n`);
  });
});
