import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Timeouts only bound a hang; nothing waits for them. They are generous because on a shared,
    // busy machine starting PGlite alone can take 15-25 s, and a tsx subprocess as long.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // PGlite instances are memory-hungry WASM; two workers match the two cores.
    maxWorkers: 2,
  },
});
