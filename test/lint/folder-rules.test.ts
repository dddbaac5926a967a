// The folder rules of eslint.config.js: the core imports no transport, storage no HTTP. Checked
// here on sample imports, so that a change to the config that loosens them fails a test.
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import config, { CORE_FORBIDDEN, DB_FORBIDDEN } from "../../eslint.config.js";

async function restricted(rule: unknown, source: string): Promise<string[]> {
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tseslint.parser },
        rules: { "no-restricted-imports": ["error", rule] },
      },
    ],
  });
  const [result] = await eslint.lintText(source, { filePath: "sample.ts" });
  // A path can match both a name and a pattern; count each flagged line once.
  return [...new Set((result?.messages ?? []).map((m) => String(m.line)))];
}

describe("folder rules", () => {
  it("applies the core rule to src/enrichment and the storage rule to src/db", () => {
    const scoped = config.filter((entry) => entry.rules?.["no-restricted-imports"] !== undefined);
    expect(scoped.map((entry) => [entry.files, entry.rules?.["no-restricted-imports"]])).toEqual([
      [["src/enrichment/**/*.ts"], ["error", CORE_FORBIDDEN]],
      [["src/db/**/*.ts"], ["error", DB_FORBIDDEN]],
    ]);
  });

  it("keeps transports, storage, edges and adapters out of the core", async () => {
    const lines = [
      'import pg from "pg";',
      'import { PGlite } from "@electric-sql/pglite";',
      'import Fastify from "fastify";',
      'import cors from "@fastify/cors";',
      'import { Command } from "commander";',
      'import { Redis } from "ioredis";',
      'import { Queue } from "bullmq";',
      'import type { Database } from "../../db/database.js";',
      'import { buildApp } from "../http/build-app.js";',
      'import { runCli } from "../cli/program.js";',
      'import type { JobQueue } from "../../jobs/job-queue.js";',
      'import { createProviderGate } from "../../llm/provider-gate.js";',
      // Allowed: the core's own ports and shared primitives.
      'import type { LlmClient } from "../llm-client.js";',
      'import { sleep } from "../../sleep.js";',
      'import { LlmError } from "../../errors.js";',
    ];
    const flagged = await restricted(CORE_FORBIDDEN, lines.join("\n"));
    expect(flagged).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
  });

  it("keeps HTTP and the command line out of storage", async () => {
    const lines = [
      'import type { FastifyReply } from "fastify";',
      'import { handleError } from "../http/error-handler.js";',
      'import { EXIT } from "../cli/exit-codes.js";',
      'import type { Config } from "../config.js";',
      'import type { WorkItem } from "../enrichment/pipeline/enrichment-store.js";',
    ];
    expect(await restricted(DB_FORBIDDEN, lines.join("\n"))).toEqual(["1", "2", "3"]);
  });
});
