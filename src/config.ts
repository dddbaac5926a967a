// The only reader of process.env: one zod schema turns the environment into a frozen Config.
import { createHash } from "node:crypto";
import { z } from "zod";
import { ConfigError } from "./errors.js";

export const ENVIRONMENTS = ["development", "test", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const PROCESSING_TYPES = ["description_cleaning", "dog_profiler", "translation"] as const;
export type ProcessingType = (typeof PROCESSING_TYPES)[number];

/** ISO 639-1 codes we can translate into and verify by detection. */
export const SUPPORTED_LANGUAGES = [
  "en",
  "de",
  "fr",
  "es",
  "it",
  "nl",
  "pt",
  "pl",
  "sv",
  "da",
  "fi",
  "cs",
  "ro",
  "hu",
  "tr",
  "ms",
  "id",
  "ja",
  "zh",
  "ko",
  "ru",
  "uk",
  "el",
] as const;
export type LanguageCode = (typeof SUPPORTED_LANGUAGES)[number];

/** off: outputs that pass their checks are published; required: only approved outputs are. */
export const REVIEW_MODES = ["off", "required"] as const;
export type ReviewMode = (typeof REVIEW_MODES)[number];

/** LLM_VERIFY: which outputs get a claim-check call after their guards pass. */
export const VERIFY_MODES = ["off", "profiles", "all"] as const;
export type VerifyMode = (typeof VERIFY_MODES)[number];

/** LLM_BATCH_API: never, always, or for runs of at least LLM_BATCH_API_MIN_ITEMS items. */
export const BATCH_API_MODES = ["off", "on", "auto"] as const;
export type BatchApiMode = (typeof BATCH_API_MODES)[number];

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Per-environment defaults (SPEC §2). */
const DEFAULTS: Record<
  Environment,
  {
    cacheMaxSize: number;
    retryMaxAttempts: number;
    batchDefaultSize: number;
    batchConcurrent: number;
  }
> = {
  development: { cacheMaxSize: 500, retryMaxAttempts: 3, batchDefaultSize: 3, batchConcurrent: 10 },
  test: { cacheMaxSize: 1000, retryMaxAttempts: 3, batchDefaultSize: 5, batchConcurrent: 10 },
  production: {
    cacheMaxSize: 2000,
    retryMaxAttempts: 5,
    batchDefaultSize: 10,
    batchConcurrent: 15,
  },
};

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ["true", "false", "1", "0", "yes", "no", "on", "off"].includes(v), {
    message: "must be true or false",
  })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, { message: "must be a whole number" })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const num = (min: number, max: number) =>
  z
    .string()
    .trim()
    .refine((v) => v !== "" && Number.isFinite(Number(v)), { message: "must be a number" })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be between ${min} and ${max}` })
        .max(max, { message: `must be between ${min} and ${max}` }),
    );

const url = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
    message: "must be an http(s) URL",
  });

const csv = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

const languageList = csv.pipe(
  z
    .array(
      z.enum(SUPPORTED_LANGUAGES, {
        message: `must be ISO 639-1 codes from: ${SUPPORTED_LANGUAGES.join(",")}`,
      }),
    )
    .min(1, { message: "must name at least one language" }),
);

const envSchema = z.object({
  ENVIRONMENT: z
    .enum(ENVIRONMENTS, { message: `must be one of ${ENVIRONMENTS.join(", ")}` })
    .default("development"),
  OPENROUTER_API_KEY: z.string().trim().min(1).optional(),
  LLM_BASE_URL: url.default("https://openrouter.ai/api/v1"),
  LLM_DEFAULT_MODEL: z.string().trim().min(1).max(100).default("openrouter/auto"),
  LLM_FALLBACK_MODELS: csv.default([]),
  LLM_TIMEOUT_SECONDS: num(1, 600).default(30),
  LLM_TEMPERATURE_DESCRIPTION_CLEANING: num(0.2, 0.4).default(0.3),
  LLM_TEMPERATURE_DOG_PROFILER: num(0.7, 0.9).default(0.8),
  LLM_TEMPERATURE_TRANSLATION: num(0.1, 0.3).default(0.2),
  LLM_CACHE_ENABLED: bool.default(true),
  LLM_CACHE_MAX_SIZE: int(1, 10_000_000).optional(),
  LLM_CACHE_TTL_SECONDS: int(1, 365 * 24 * 3600).default(3600),
  LLM_RETRY_MAX_ATTEMPTS: int(1, 20).optional(),
  LLM_RETRY_BASE_DELAY: num(0, 600).default(1),
  LLM_RETRY_MAX_DELAY: num(0, 3600).default(60),
  LLM_BATCH_DEFAULT_SIZE: int(1, 1000).optional(),
  LLM_BATCH_MAX_SIZE: int(1, 1000).default(25),
  LLM_BATCH_CONCURRENT: int(1, 500).optional(),
  LLM_BATCH_COMMIT_FREQUENCY: int(1, 1000).default(1),
  LLM_FEATURE_DESCRIPTION_CLEANING: bool.default(true),
  LLM_FEATURE_DOG_PROFILER: bool.default(true),
  LLM_FEATURE_TRANSLATION: bool.default(true),
  LLM_FEATURE_METRICS: bool.default(true),
  LLM_TRANSLATION_LANGUAGES: languageList.default(["es", "fr", "de"]),
  LLM_PROFILER_MIN_SOURCE_CHARS: int(0, 100_000).default(150),
  // Listing statuses (animals.status, compared case-insensitively) that are not processed;
  // `none` processes every listing whatever its status.
  LLM_SKIP_LISTING_STATUSES: csv
    .transform((v) => v.map((s) => s.toLowerCase()).filter((s) => s !== "none"))
    .default(["adopted", "removed", "inactive"]),
  LLM_BUDGET_USD: num(0, 1_000_000).optional(),
  LLM_CLAIM_LEASE_SECONDS: num(1, 86_400).default(60),
  LLM_MAX_ITEM_ATTEMPTS: int(1, 1000).default(3),
  LLM_VERIFY: z
    .enum(VERIFY_MODES, { message: `must be one of ${VERIFY_MODES.join(", ")}` })
    .default("profiles"),
  LLM_VERIFY_MODEL: z.string().trim().min(1).max(100).optional(),
  LLM_BATCH_API: z
    .enum(BATCH_API_MODES, { message: `must be one of ${BATCH_API_MODES.join(", ")}` })
    .default("off"),
  LLM_BATCH_API_MIN_ITEMS: int(1, 10_000_000).default(200),
  LLM_BATCH_API_POLL_SECONDS: num(0.01, 3600).default(30),
  LLM_PROVIDER_RATE_LIMIT_RPS: num(0.01, 100_000).optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), {
      message: "must be a postgres:// or postgresql:// URL",
    })
    .optional(),
  RESCUE_LLM_DATA_DIR: z.string().trim().min(1).default("./.rescue-llm"),
  REDIS_URL: z
    .string()
    .trim()
    .refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), {
      message: "must be a redis:// or rediss:// URL",
    })
    .optional(),
  API_KEYS: csv.optional(),
  REVIEW_MODE: z
    .enum(REVIEW_MODES, { message: `must be one of ${REVIEW_MODES.join(", ")}` })
    .default("off"),
  CORS_ORIGINS: csv.optional(),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  PORT: int(0, 65535).default(8000),
  LOG_LEVEL: z.enum(LEVELS, { message: `must be one of ${LEVELS.join(", ")}` }).default("info"),
  LOG_FILE: z.string().trim().min(1, { message: "must be a file path" }).optional(),
});

export interface Config {
  readonly environment: Environment;
  readonly llm: {
    readonly apiKey: string | undefined;
    readonly baseUrl: string;
    readonly defaultModel: string;
    readonly fallbackModels: readonly string[];
    readonly timeoutMs: number;
    readonly temperatures: Readonly<Record<ProcessingType, number>>;
    /** Requests per second for all workers together (distributed mode); undefined = no cap. */
    readonly providerRateLimitRps: number | undefined;
  };
  readonly cache: { readonly enabled: boolean; readonly maxSize: number; readonly ttlMs: number };
  readonly retry: {
    readonly maxAttempts: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
  };
  readonly batch: {
    readonly defaultSize: number;
    readonly maxSize: number;
    readonly concurrent: number;
    readonly commitFrequency: number;
  };
  readonly features: Readonly<Record<ProcessingType | "metrics", boolean>>;
  readonly translationLanguages: readonly LanguageCode[];
  readonly profilerMinSourceChars: number;
  /** LLM_SKIP_LISTING_STATUSES, lower case: listings with these statuses are skipped. */
  readonly skipListingStatuses: readonly string[];
  readonly budgetUsd: number | undefined;
  /** An item that failed its checks this often waits for a changed source or prompt, or --force. */
  readonly maxItemAttempts: number;
  /** The verification pass: for which types, with which model (undefined = the default one). */
  readonly verify: { readonly mode: VerifyMode; readonly model: string | undefined };
  /** The provider's Batch API: when runs use it, and how often a waiting run polls. */
  readonly batchApi: {
    readonly mode: BatchApiMode;
    readonly minItems: number;
    readonly pollIntervalMs: number;
  };
  /** How long a run's claim on an item holds without renewal (crash recovery time). */
  readonly claimLeaseMs: number;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly redisUrl: string | undefined;
  /** The bare keys of API_KEYS (an entry may be `label:key`; see parseApiKeyEntry). */
  readonly apiKeys: readonly string[];
  /** One per key, same order: the entry's label, or a short fingerprint of the key. */
  readonly apiKeyLabels: readonly string[];
  /** Whether outputs wait for a person's approval before they are published. */
  readonly reviewMode: ReviewMode;
  readonly corsOrigins: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly logLevel: (typeof LEVELS)[number];
  /** LOG_FILE: structured logs go to this file instead of stderr. */
  readonly logFile: string | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Parses the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  // Empty strings mean "unset", as in most .env tooling.
  const present = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((k) => [k, env[k]] as const)
      .filter(([, v]) => v !== undefined && v.trim() !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const d = DEFAULTS[e.ENVIRONMENT];
  const problems: string[] = [];
  if (e.LLM_RETRY_MAX_DELAY < e.LLM_RETRY_BASE_DELAY) {
    problems.push("LLM_RETRY_MAX_DELAY: must be at least LLM_RETRY_BASE_DELAY");
  }
  const defaultSize =
    e.LLM_BATCH_DEFAULT_SIZE ?? Math.min(d.batchDefaultSize, e.LLM_BATCH_MAX_SIZE);
  if (defaultSize > e.LLM_BATCH_MAX_SIZE) {
    problems.push("LLM_BATCH_DEFAULT_SIZE: must not exceed LLM_BATCH_MAX_SIZE");
  }
  const apiKeyEntries = (e.API_KEYS ?? []).map(parseApiKeyEntry);
  const labels = apiKeyEntries.map((entry) => entry.label);
  if (new Set(labels).size !== labels.length) {
    problems.push("API_KEYS: two entries share a label; labels name who did a review action");
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return deepFreeze({
    environment: e.ENVIRONMENT,
    llm: {
      apiKey: e.OPENROUTER_API_KEY,
      baseUrl: e.LLM_BASE_URL.replace(/\/+$/, ""),
      defaultModel: e.LLM_DEFAULT_MODEL,
      fallbackModels: e.LLM_FALLBACK_MODELS,
      timeoutMs: Math.round(e.LLM_TIMEOUT_SECONDS * 1000),
      temperatures: {
        description_cleaning: e.LLM_TEMPERATURE_DESCRIPTION_CLEANING,
        dog_profiler: e.LLM_TEMPERATURE_DOG_PROFILER,
        translation: e.LLM_TEMPERATURE_TRANSLATION,
      },
      providerRateLimitRps: e.LLM_PROVIDER_RATE_LIMIT_RPS,
    },
    cache: {
      enabled: e.LLM_CACHE_ENABLED,
      maxSize: e.LLM_CACHE_MAX_SIZE ?? d.cacheMaxSize,
      ttlMs: e.LLM_CACHE_TTL_SECONDS * 1000,
    },
    retry: {
      maxAttempts: e.LLM_RETRY_MAX_ATTEMPTS ?? d.retryMaxAttempts,
      baseDelayMs: Math.round(e.LLM_RETRY_BASE_DELAY * 1000),
      maxDelayMs: Math.round(e.LLM_RETRY_MAX_DELAY * 1000),
    },
    batch: {
      defaultSize,
      maxSize: e.LLM_BATCH_MAX_SIZE,
      concurrent: e.LLM_BATCH_CONCURRENT ?? d.batchConcurrent,
      commitFrequency: e.LLM_BATCH_COMMIT_FREQUENCY,
    },
    features: {
      description_cleaning: e.LLM_FEATURE_DESCRIPTION_CLEANING,
      dog_profiler: e.LLM_FEATURE_DOG_PROFILER,
      translation: e.LLM_FEATURE_TRANSLATION,
      metrics: e.LLM_FEATURE_METRICS,
    },
    translationLanguages: e.LLM_TRANSLATION_LANGUAGES,
    profilerMinSourceChars: e.LLM_PROFILER_MIN_SOURCE_CHARS,
    skipListingStatuses: e.LLM_SKIP_LISTING_STATUSES,
    budgetUsd: e.LLM_BUDGET_USD,
    maxItemAttempts: e.LLM_MAX_ITEM_ATTEMPTS,
    verify: { mode: e.LLM_VERIFY, model: e.LLM_VERIFY_MODEL },
    batchApi: {
      mode: e.LLM_BATCH_API,
      minItems: e.LLM_BATCH_API_MIN_ITEMS,
      pollIntervalMs: Math.round(e.LLM_BATCH_API_POLL_SECONDS * 1000),
    },
    claimLeaseMs: Math.round(e.LLM_CLAIM_LEASE_SECONDS * 1000),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.RESCUE_LLM_DATA_DIR,
    redisUrl: e.REDIS_URL,
    apiKeys: apiKeyEntries.map((entry) => entry.key),
    apiKeyLabels: labels,
    reviewMode: e.REVIEW_MODE,
    corsOrigins: e.CORS_ORIGINS ?? [],
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    logFile: e.LOG_FILE,
  });
}

/** `label:key` names the key's holder in the review audit; a bare key gets its fingerprint. */
const LABELLED_KEY = /^([A-Za-z0-9][A-Za-z0-9_.@-]{0,39}):(.+)$/;

/** Splits one API_KEYS entry into its label and key; the key itself is never a label. */
export function parseApiKeyEntry(entry: string): { label: string; key: string } {
  const match = LABELLED_KEY.exec(entry);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return { label: match[1], key: match[2] };
  }
  return { label: apiKeyFingerprint(entry), key: entry };
}

/** A short, non-reversible name for a key: `key-` and 8 hex digits of its SHA-256. */
export function apiKeyFingerprint(key: string): string {
  return `key-${createHash("sha256").update(key, "utf8").digest("hex").slice(0, 8)}`;
}

/** Masks a secret for display: keeps only enough to recognise which key is set. */
export function maskSecret(value: string | undefined): string {
  if (value === undefined || value === "") return "(not set)";
  if (value.length <= 8) return "****";
  return `${value.slice(0, 3)}…${value.slice(-2)} (${value.length} chars)`;
}

/** Removes the password from a connection URL for display. */
export function redactUrl(value: string | undefined): string {
  if (value === undefined) return "(not set)";
  try {
    const u = new URL(value);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

/** A printable view of the config with every secret masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    llm: { ...config.llm, apiKey: maskSecret(config.llm.apiKey) },
    databaseUrl: config.databaseUrl ? redactUrl(config.databaseUrl) : "(PGlite embedded)",
    redisUrl: redactUrl(config.redisUrl),
    apiKeys: config.apiKeys.map(maskSecret),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
