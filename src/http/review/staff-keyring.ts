// Which staff member a key belongs to: the label of the API_KEYS entry it matches (compared
// in constant time, every key each time). The key itself is never stored or shown.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Config } from "../../config.js";
import { postRoutesOpen } from "../api-key-auth.js";

/** Who acted when development runs without API_KEYS. */
export const OPEN_DEVELOPMENT_LABEL = "development";

export interface StaffKeyring {
  /** Development without API_KEYS: no sign-in, actions recorded as `development`. */
  readonly open: boolean;
  /** The label of the key, or undefined when it matches none. */
  identify(presentedKey: string): string | undefined;
  /** Whether a session issued for `fingerprint` still matches a configured key with `label`. */
  stillValid(label: string, fingerprint: string): boolean;
  /** A non-reversible fingerprint of a matched key, kept in the session cookie. */
  fingerprintOf(presentedKey: string): string;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

export function createStaffKeyring(
  config: Pick<Config, "environment" | "apiKeys" | "apiKeyLabels">,
): StaffKeyring {
  const keys = config.apiKeys.map((key, i) => ({
    digest: digest(key),
    label: config.apiKeyLabels[i] ?? `key-${i + 1}`,
  }));
  const fingerprintOf = (key: string) =>
    digest(`rescue-llm session\u001f${key}`).toString("hex").slice(0, 32);
  const fingerprints = new Map(
    config.apiKeys.map((key, i) => [fingerprintOf(key), keys[i]?.label ?? ""] as const),
  );
  return {
    open: postRoutesOpen(config),
    identify(presentedKey) {
      const presented = digest(presentedKey);
      let label: string | undefined;
      for (const key of keys) {
        // No early exit: the time taken does not tell which key matched.
        if (timingSafeEqual(presented, key.digest)) label = key.label;
      }
      return label;
    },
    stillValid(label, fingerprint) {
      return fingerprints.get(fingerprint) === label;
    },
    fingerprintOf,
  };
}
