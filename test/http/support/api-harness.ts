// Builds the HTTP app on real parts: a fresh migrated database, the fake OpenRouter server,
// the real LLM client, cache, pipeline and in-process job queue. Secrets are planted in the
// config so tests can assert they never show up in a response or a log line.
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { loadConfig, type Env } from "../../../src/config.js";
import { openServices, type Services } from "../../../src/composition-root.js";
import { buildApp, type ApiApp, type BuildAppOptions } from "../../../src/http/build-app.js";
import { createJobQueue } from "../../../src/jobs/create-job-queue.js";
import type { JobQueue } from "../../../src/jobs/job-queue.js";
import { createLogger } from "../../../src/logger.js";
import { fakeProfileIsGrounded } from "../../../src/testing/fake-model-answers.js";
import {
  startFakeOpenRouter,
  type FakeOpenRouter,
  type FakeOpenRouterOptions,
} from "../../../src/testing/fake-openrouter/fake-openrouter-server.js";
import {
  createTestDatabase,
  type DatabaseKind,
  type TestDatabase,
} from "../../support/test-databases.js";
import { sharedDataFile } from "../../../src/testing/shared-data.js";

/** Planted secrets: none of them may appear in any response body or log line. */
export const SECRETS = {
  apiKey: "test-api-key-7f3c9d1e5b",
  otherApiKey: "second-api-key-a8e2f4",
  openRouterKey: "sk-or-v1-planted-provider-key-0b4d",
  dbPassword: "planted-db-password-91c6",
} as const;

export const LISTINGS_FILE = sharedDataFile("listings.jsonl");

export interface Harness {
  readonly app: ApiApp;
  readonly services: Services & { readonly jobs: JobQueue };
  readonly fake: FakeOpenRouter;
  readonly database: TestDatabase;
  /** Everything logged so far. */
  logs(): string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly env?: Env;
  readonly app?: BuildAppOptions;
  readonly fake?: FakeOpenRouterOptions;
  /** An already open test database to reuse (seeded once per file). */
  readonly database?: TestDatabase;
}

export function baseEnv(fake: FakeOpenRouter, extra: Env = {}): Env {
  return {
    ENVIRONMENT: "test",
    OPENROUTER_API_KEY: SECRETS.openRouterKey,
    LLM_BASE_URL: fake.baseUrl,
    API_KEYS: `${SECRETS.apiKey},${SECRETS.otherApiKey}`,
    // Never used to connect (the harness hands over its own database); planted to be leaked.
    DATABASE_URL: `postgres://rescue:${SECRETS.dbPassword}@127.0.0.1:1/none`,
    LLM_RETRY_MAX_ATTEMPTS: "2",
    LLM_RETRY_BASE_DELAY: "0.01",
    LLM_RETRY_MAX_DELAY: "0.05",
    LLM_TIMEOUT_SECONDS: "10",
    LOG_LEVEL: "debug",
    ...extra,
  };
}

export async function startHarness(
  kind: DatabaseKind,
  options: HarnessOptions = {},
): Promise<Harness> {
  const database = options.database ?? (await createTestDatabase(kind));
  const fake = await startFakeOpenRouter({ apiKey: SECRETS.openRouterKey, ...options.fake });
  const logLines: string[] = [];
  const logger = createLogger(
    "debug",
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        logLines.push(String(chunk));
        callback();
      },
    }),
  );
  const config = loadConfig(baseEnv(fake, options.env));
  const opened = await openServices(config, { logger, db: database.db });
  const jobs = await createJobQueue({ config, db: database.db, logger, pipeline: opened.pipeline });
  const services = { ...opened, jobs };
  const app = await buildApp(services, { rateLimit: false, ...options.app });
  return {
    app,
    services,
    fake,
    database,
    logs: () => logLines.join(""),
    async close() {
      await app.close();
      await jobs.close();
      await opened.close();
      await fake.close();
      if (options.database === undefined) await database.dispose();
    },
  };
}

export interface ListingLine {
  readonly external_id: string;
  readonly organization: string;
  readonly name: string;
  readonly description: string;
  readonly breed: string | null;
  readonly age_text: string | null;
  readonly sex: string | null;
  readonly size: string | null;
  readonly language: string | null;
}

/**
 * The first `count` English listings with a description long enough to profile and a trait
 * the fake finds in it (one that states none gets no profile).
 */
export function readListings(count: number): ListingLine[] {
  const lines = readFileSync(LISTINGS_FILE, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const listings = lines.map((l) => JSON.parse(l) as ListingLine);
  return listings
    .filter(
      (l) =>
        l.language === "en" &&
        (l.description ?? "").length >= 300 &&
        fakeProfileIsGrounded(l.description),
    )
    .slice(0, count);
}

/** Inserts listings under one organization; returns the animal ids in order. */
export async function seedAnimals(
  db: TestDatabase["db"],
  organizationConfigId: string,
  listings: readonly ListingLine[],
): Promise<number[]> {
  const [org] = await db.query<{ id: number }>(
    `INSERT INTO organizations (config_id, name) VALUES ($1, $1)
     ON CONFLICT (config_id) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [organizationConfigId],
  );
  const rows = await db.query<{ id: number }>(
    `INSERT INTO animals (name, organization_id, external_id, breed, age_text, sex, size, language, properties)
     SELECT t.name, $1, t.external_id, t.breed, t.age_text, t.sex, t.size, COALESCE(t.language, 'en'),
            jsonb_build_object('description', t.description)
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
            WITH ORDINALITY AS t(name, external_id, breed, age_text, sex, size, language, description, n)
      ORDER BY t.n
     RETURNING id`,
    [
      org!.id,
      listings.map((l) => l.name),
      listings.map((l) => `${organizationConfigId}-${l.external_id}`),
      listings.map((l) => l.breed),
      listings.map((l) => l.age_text),
      listings.map((l) => l.sex),
      listings.map((l) => l.size),
      listings.map((l) => l.language),
      listings.map((l) => l.description),
    ],
  );
  return rows.map((r) => Number(r.id));
}

export const auth = { authorization: `Bearer ${SECRETS.apiKey}` } as const;

/** Every planted secret that occurs in `text`. */
export function leakedSecrets(text: string): string[] {
  return Object.values(SECRETS).filter((secret) => text.includes(secret));
}
