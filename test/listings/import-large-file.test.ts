// A 100k-line file must stream. The import runs in a subprocess whose V8 heap is capped
// below the file's own size (~130 MB): holding the file or its parsed lines would crash it
// (reading it whole measured ~500 MB). Without the cap V8 collects lazily and RSS wanders
// with its heuristics, so the cap makes the bound about our code, not the GC's mood.
// PostgreSQL only: under PGlite the embedded database's own WASM heap grows with the data
// it stores (~1 GB for this file), which would swamp what this test measures.
import { execFile } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../support/test-databases.js";
import { createTestDatabase, DATABASE_KINDS } from "../support/test-databases.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LINES = 100_000;
const MAX_RSS_MB = 300;
const HEAP_CAP_MB = 128;

async function writeLargeFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  const filler = "Loves walks, is calm with children and sleeps on the sofa. ".repeat(18);
  for (let start = 0; start < LINES; start += 1000) {
    const chunk: string[] = [];
    for (let i = start; i < start + 1000; i++) {
      chunk.push(
        JSON.stringify({
          external_id: `gen-${i}`,
          organization: "generated",
          name: `Dog ${i}`,
          description: `Dog number ${i}. ${filler}`,
          breed: i % 7 === 0 ? null : "Mixed Breed",
          age_months: i % 120,
          color: ["Black", "White"],
        }),
      );
    }
    if (!out.write(chunk.join("\n") + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

describe.runIf(DATABASE_KINDS.includes("postgres"))("importing a 100k-line file", () => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rescue-llm-large-"));
    t = await createTestDatabase("postgres");
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("streams it in batches with bounded memory", { timeout: 180_000 }, async () => {
    const file = join(dir, "large.jsonl");
    await writeLargeFile(file);
    const reportRss = join(dir, "report-max-rss.mjs");
    writeFileSync(
      reportRss,
      'process.on("exit", () => process.stderr.write(`MAX_RSS_KB=${process.resourceUsage().maxRSS}\\n`));\n',
    );
    const { stdout, stderr } = await run(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_CAP_MB}`,
        "--import",
        "tsx",
        "--import",
        reportRss,
        "src/cli/main.ts",
        "import",
        file,
        "--create-organization",
        "--json",
      ],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: "silent" } },
    );
    const report = JSON.parse(stdout) as { inserted: number; rejectedCount: number };
    expect(report).toMatchObject({ inserted: LINES, rejectedCount: 0 });
    const maxRssKb = Number(/MAX_RSS_KB=(\d+)/.exec(stderr)?.[1]);
    expect(maxRssKb).toBeGreaterThan(0);
    expect(maxRssKb / 1024).toBeLessThan(MAX_RSS_MB);
    const [row] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM animals");
    expect(row?.n).toBe(LINES);
  });
});
