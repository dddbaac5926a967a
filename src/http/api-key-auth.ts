// API keys for the mutating routes: `Authorization: Bearer <key>` or `X-API-Key: <key>`.
// Keys are compared as SHA-256 digests with timingSafeEqual, so neither the key's content nor
// its length leaks through timing; the key itself is never logged (see logger REDACTED_PATHS).
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import { ConfigError, UnauthorizedError } from "../errors.js";

export type ApiKeyCheck = (request: FastifyRequest) => void;

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** The key a request presents, or undefined. */
export function presentedApiKey(request: Pick<FastifyRequest, "headers">): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  const header = request.headers["x-api-key"];
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}

/** True when `candidate` equals one of `keys`; every key is compared, whatever matches. */
export function matchesApiKey(candidate: string, keyDigests: readonly Buffer[]): boolean {
  const presented = digest(candidate);
  let matched = false;
  for (const known of keyDigests) {
    // Bitwise OR, not ||: no early exit that would reveal which key matched.
    matched = timingSafeEqual(presented, known) || matched;
  }
  return matched;
}

/**
 * Production refuses to run the API without keys; development runs open (with a loud
 * warning from `serve`) so a local trial needs no set-up; test requires keys like production
 * would, so tests exercise the real check.
 */
export function assertApiKeysConfigured(config: Pick<Config, "environment" | "apiKeys">): void {
  if (config.environment === "production" && config.apiKeys.length === 0) {
    throw new ConfigError(["API_KEYS: required in production to protect the mutating API routes"]);
  }
}

/** Whether POST routes run without a key: only in development with API_KEYS unset. */
export function postRoutesOpen(config: Pick<Config, "environment" | "apiKeys">): boolean {
  return config.apiKeys.length === 0 && config.environment === "development";
}

export function createApiKeyCheck(config: Pick<Config, "environment" | "apiKeys">): ApiKeyCheck {
  assertApiKeysConfigured(config);
  if (postRoutesOpen(config)) return () => undefined;
  const keyDigests = config.apiKeys.map(digest);
  return (request) => {
    const candidate = presentedApiKey(request);
    if (candidate === undefined || !matchesApiKey(candidate, keyDigests))
      throw new UnauthorizedError();
  };
}
