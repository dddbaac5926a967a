import { describe, expect, it } from "vitest";
import { runCliCaptured } from "./run-cli-captured.js";

describe("rescue-llm validate-config", () => {
  it("exits 0 on a valid environment and prints secrets masked", async () => {
    const env = {
      ENVIRONMENT: "production",
      OPENROUTER_API_KEY: "sk-or-v1-0123456789abcdef0123456789abcdef",
      API_KEYS: "client-key-aaaaaaaaaaaaaaaa",
      DATABASE_URL: "postgres://app:hunter2@db.internal:5432/rescue",
    };
    const result = await runCliCaptured(["validate-config"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Configuration is valid.");
    expect(result.stdout).toContain("db.internal");
    const all = result.stdout + result.stderr;
    expect(all).not.toContain(env.OPENROUTER_API_KEY);
    expect(all).not.toContain("0123456789abcdef");
    expect(all).not.toContain(env.API_KEYS);
    expect(all).not.toContain("hunter2");
  });

  it("prints parseable JSON with --json", async () => {
    const result = await runCliCaptured(["validate-config", "--json"], { ENVIRONMENT: "test" });
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout) as { environment: string; cache: { maxSize: number } };
    expect(view.environment).toBe("test");
    expect(view.cache.maxSize).toBe(1000);
  });

  it("exits 2 listing every problem, naming each variable", async () => {
    const result = await runCliCaptured(["validate-config"], {
      LLM_TEMPERATURE_DOG_PROFILER: "1.5",
      PORT: "-1",
      OPENROUTER_API_KEY: "sk-or-v1-0123456789abcdef0123456789abcdef",
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("LLM_TEMPERATURE_DOG_PROFILER: must be between 0.7 and 0.9");
    expect(result.stderr).toContain("PORT: must be at least 0");
    expect(result.stderr).not.toContain("0123456789abcdef");
  });
});
