import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { describeConfig, loadConfig, maskSecret, redactUrl } from "../../src/config.js";

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("uses the SPEC §2 defaults for development when nothing is set", () => {
    const config = loadConfig({});
    expect(config.environment).toBe("development");
    expect(config.llm.baseUrl).toBe("https://openrouter.ai/api/v1");
    expect(config.llm.defaultModel).toBe("openrouter/auto");
    expect(config.llm.fallbackModels).toEqual([]);
    expect(config.llm.timeoutMs).toBe(30_000);
    expect(config.llm.temperatures).toEqual({
      description_cleaning: 0.3,
      dog_profiler: 0.8,
      translation: 0.2,
    });
    expect(config.cache).toEqual({ enabled: true, maxSize: 500, ttlMs: 3_600_000 });
    expect(config.retry).toEqual({ maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 });
    expect(config.batch).toEqual({
      defaultSize: 3,
      maxSize: 25,
      concurrent: 10,
      commitFrequency: 1,
    });
    expect(config.features).toEqual({
      description_cleaning: true,
      dog_profiler: true,
      translation: true,
      metrics: true,
    });
    expect(config.translationLanguages).toEqual(["es", "fr", "de"]);
    expect(config.profilerMinSourceChars).toBe(150);
    expect(config.budgetUsd).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe("./.rescue-llm");
    expect(config.redisUrl).toBeUndefined();
    expect(config.apiKeys).toEqual([]);
    expect(config.host).toBe("127.0.0.1");
    expect(config.port).toBe(8000);
    expect(config.logLevel).toBe("info");
  });

  it.each([
    ["development", 500, 3, 3, 10],
    ["test", 1000, 3, 5, 10],
    ["production", 2000, 5, 10, 15],
  ] as const)("picks the %s defaults", (environment, cacheMax, attempts, batchSize, concurrent) => {
    const config = loadConfig({ ENVIRONMENT: environment });
    expect(config.environment).toBe(environment);
    expect(config.cache.maxSize).toBe(cacheMax);
    expect(config.retry.maxAttempts).toBe(attempts);
    expect(config.batch.defaultSize).toBe(batchSize);
    expect(config.batch.concurrent).toBe(concurrent);
  });

  it("lets explicit values win over the environment defaults", () => {
    const config = loadConfig({
      ENVIRONMENT: "production",
      LLM_CACHE_MAX_SIZE: "42",
      LLM_RETRY_MAX_ATTEMPTS: "2",
      LLM_BATCH_DEFAULT_SIZE: "7",
      LLM_BATCH_CONCURRENT: "3",
      LLM_TRANSLATION_LANGUAGES: " it , nl ",
      LLM_FEATURE_TRANSLATION: "false",
      LLM_TIMEOUT_SECONDS: "2.5",
    });
    expect(config.cache.maxSize).toBe(42);
    expect(config.retry.maxAttempts).toBe(2);
    expect(config.batch.defaultSize).toBe(7);
    expect(config.batch.concurrent).toBe(3);
    expect(config.translationLanguages).toEqual(["it", "nl"]);
    expect(config.features.translation).toBe(false);
    expect(config.llm.timeoutMs).toBe(2500);
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ PORT: "", ENVIRONMENT: " " }).port).toBe(8000);
  });

  it("returns a frozen object", () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.llm.temperatures)).toBe(true);
  });

  it("reports every invalid value at once, each naming its variable", () => {
    const problems = problemsOf({
      ENVIRONMENT: "staging",
      LLM_BASE_URL: "ftp://example.com",
      LLM_TIMEOUT_SECONDS: "soon",
      LLM_CACHE_ENABLED: "maybe",
      LLM_CACHE_MAX_SIZE: "1.5",
      LLM_TRANSLATION_LANGUAGES: "es,xx",
      DATABASE_URL: "mysql://user:pw@host/db",
      REDIS_URL: "http://localhost",
      PORT: "70000",
      LOG_LEVEL: "loud",
    });
    const named = problems.map((p) => p.split(":")[0]);
    expect(named.sort()).toEqual(
      [
        "ENVIRONMENT",
        "LLM_BASE_URL",
        "LLM_TIMEOUT_SECONDS",
        "LLM_CACHE_ENABLED",
        "LLM_CACHE_MAX_SIZE",
        "LLM_TRANSLATION_LANGUAGES",
        "DATABASE_URL",
        "REDIS_URL",
        "PORT",
        "LOG_LEVEL",
      ].sort(),
    );
    // Accepted values are named, so the fix is obvious from the message alone.
    expect(problems.find((p) => p.startsWith("ENVIRONMENT"))).toContain(
      "development, test, production",
    );
    expect(problems.find((p) => p.startsWith("LOG_LEVEL"))).toContain("debug");
    // The rejected DATABASE_URL's password is never echoed back.
    expect(problems.join("\n")).not.toContain("pw@");
  });

  it("reports cross-field problems", () => {
    expect(problemsOf({ LLM_RETRY_BASE_DELAY: "10", LLM_RETRY_MAX_DELAY: "5" })).toEqual([
      "LLM_RETRY_MAX_DELAY: must be at least LLM_RETRY_BASE_DELAY",
    ]);
    expect(problemsOf({ LLM_BATCH_DEFAULT_SIZE: "30", LLM_BATCH_MAX_SIZE: "25" })).toEqual([
      "LLM_BATCH_DEFAULT_SIZE: must not exceed LLM_BATCH_MAX_SIZE",
    ]);
  });

  it.each([
    ["LLM_TEMPERATURE_DESCRIPTION_CLEANING", "0.2", "0.4", "0.19", "0.41"],
    ["LLM_TEMPERATURE_DOG_PROFILER", "0.7", "0.9", "0.69", "0.91"],
    ["LLM_TEMPERATURE_TRANSLATION", "0.1", "0.3", "0.09", "0.31"],
  ])("accepts %s only within its range", (variable, low, high, below, above) => {
    expect(() => loadConfig({ [variable]: low })).not.toThrow();
    expect(() => loadConfig({ [variable]: high })).not.toThrow();
    for (const bad of [below, above, "warm"]) {
      const problems = problemsOf({ [variable]: bad });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${variable}: must be (between|a number)`));
    }
  });
});

describe("secret display", () => {
  it("never shows a key in full", () => {
    const key = "sk-or-v1-0123456789abcdef0123456789abcdef";
    const masked = maskSecret(key);
    expect(masked).not.toContain(key);
    expect(masked).not.toContain("0123456789");
    expect(maskSecret("short")).toBe("****");
    expect(maskSecret(undefined)).toBe("(not set)");
  });

  it("removes the password from connection URLs", () => {
    expect(redactUrl("postgres://app:hunter2@db:5432/rescue")).toBe(
      "postgres://app:****@db:5432/rescue",
    );
  });

  it("masks every secret in the printable view", () => {
    const view = JSON.stringify(
      describeConfig(
        loadConfig({
          OPENROUTER_API_KEY: "sk-or-v1-0123456789abcdef0123456789abcdef",
          API_KEYS: "first-api-key-secret-value,second-api-key-secret-value",
          DATABASE_URL: "postgres://app:hunter2@db:5432/rescue",
          REDIS_URL: "redis://:redispass@cache:6379",
        }),
      ),
    );
    for (const secret of [
      "0123456789abcdef",
      "first-api-key-secret-value",
      "second-api-key-secret-value",
      "hunter2",
      "redispass",
    ]) {
      expect(view).not.toContain(secret);
    }
  });
});
