// The staff session: a signed cookie (HttpOnly, SameSite=Strict, Secure behind HTTPS) naming
// the key's label and a fingerprint of the key — never the key. It lapses after
// SESSION_MAX_AGE_MS, and at once when its key leaves API_KEYS.
import { createHmac, randomBytes } from "node:crypto";
import type {} from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config.js";
import { OPEN_DEVELOPMENT_LABEL, type StaffKeyring } from "./staff-keyring.js";

export const SESSION_COOKIE = "rescue_llm_staff";
export const CSRF_COOKIE = "rescue_llm_csrf";
export const REVIEW_PATH = "/review";
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export interface StaffSession {
  readonly label: string;
}

interface SessionPayload {
  readonly l: string;
  readonly f: string;
  /** Issued at, ms since the epoch. */
  readonly t: number;
}

/**
 * The cookie-signing secret, derived from the API keys (so no new secret to manage, and
 * changing API_KEYS ends every session); random per process when there are none.
 */
export function sessionSecret(config: Pick<Config, "apiKeys">): string {
  if (config.apiKeys.length === 0) return randomBytes(32).toString("hex");
  const hmac = createHmac("sha256", "rescue-llm review session cookie v1");
  for (const key of [...config.apiKeys].sort()) hmac.update(`${key}\u0000`);
  return hmac.digest("hex");
}

export function cookieOptions(maxAgeMs?: number) {
  return {
    path: REVIEW_PATH,
    httpOnly: true,
    sameSite: "strict" as const,
    // Secure whenever the request came over HTTPS (behind a proxy: with trustProxy).
    secure: "auto" as const,
    signed: true,
    ...(maxAgeMs !== undefined && { maxAge: Math.floor(maxAgeMs / 1000) }),
  };
}

export function readStaffSession(
  request: FastifyRequest,
  keyring: StaffKeyring,
  now: number = Date.now(),
): StaffSession | undefined {
  if (keyring.open) return { label: OPEN_DEVELOPMENT_LABEL };
  const raw = request.cookies[SESSION_COOKIE];
  if (raw === undefined) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  let payload: SessionPayload;
  try {
    payload = JSON.parse(
      Buffer.from(unsigned.value, "base64url").toString("utf8"),
    ) as SessionPayload;
  } catch {
    return undefined;
  }
  if (
    typeof payload.l !== "string" ||
    typeof payload.f !== "string" ||
    typeof payload.t !== "number"
  ) {
    return undefined;
  }
  if (now - payload.t > SESSION_MAX_AGE_MS || payload.t > now + 60_000) return undefined;
  if (!keyring.stillValid(payload.l, payload.f)) return undefined;
  return { label: payload.l };
}

export function startStaffSession(
  reply: FastifyReply,
  keyring: StaffKeyring,
  label: string,
  key: string,
): void {
  const payload: SessionPayload = { l: label, f: keyring.fingerprintOf(key), t: Date.now() };
  reply.setCookie(
    SESSION_COOKIE,
    Buffer.from(JSON.stringify(payload), "utf8").toString("base64url"),
    cookieOptions(SESSION_MAX_AGE_MS),
  );
}

export function endStaffSession(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions());
}
