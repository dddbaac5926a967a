import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";

const dataDir = mkdtempSync(join(tmpdir(), "rescue-llm-cache-stats-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("rescue-llm cache-stats", () => {
  it("prints SPEC cache stats as JSON from the embedded database", async () => {
    const stdout = new PassThrough();
    let printed = "";
    stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const code = await runCli(["cache-stats", "--json"], {
      stdout,
      stderr: new PassThrough(),
      env: { RESCUE_LLM_DATA_DIR: dataDir, LLM_CACHE_MAX_SIZE: "42" },
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    expect(JSON.parse(printed)).toEqual({
      size: 0,
      max_size: 42,
      hits: 0,
      misses: 0,
      hit_rate: 0,
      hit_rate_percent: 0,
      total_requests: 0,
      table_size: 0,
      memory_size: 0,
      memory_hits: 0,
      memory_misses: 0,
      memory_hit_rate: 0,
    });
  });
});
