// The shared listings are found from a clone made anywhere: beside the checkout, beside the
// checkout it was cloned from, or where SHARED_DATA_DIR says.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findSharedDataDir, sharedDataFile } from "../../src/testing/shared-data.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

describe("shared listings directory", () => {
  it("finds listings.jsonl and listings-eval.jsonl for this checkout", () => {
    expect(existsSync(sharedDataFile("listings.jsonl"))).toBe(true);
    expect(existsSync(sharedDataFile("listings-eval.jsonl"))).toBe(true);
  });

  it("takes SHARED_DATA_DIR first", () => {
    expect(findSharedDataDir({ SHARED_DATA_DIR: "/somewhere/else" })).toBe("/somewhere/else");
  });

  it("finds them from a clone in a temporary directory, beside the checkout it came from", () => {
    const dir = mkdtempSync(join(tmpdir(), "rescue-llm-clone-"));
    try {
      const clone = join(dir, "fresh");
      execFileSync("git", ["clone", "-q", REPO, clone]);
      symlinkSync(join(REPO, "node_modules"), join(clone, "node_modules"));
      const found = execFileSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "-e",
          `import("./src/testing/shared-data.ts").then((m) => console.log(m.findSharedDataDir({})))`,
        ],
        {
          cwd: clone,
          encoding: "utf8",
          env: { ...process.env, NODE_PATH: join(REPO, "node_modules") },
        },
      ).trim();
      expect(found).toBe(findSharedDataDir({}));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
