// Real Redis for queue tests: TEST_REDIS_URL (CI sets it); tests skip without it. Each test
// file gets its own key prefix, so files run in parallel and leave each other alone.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL;

export function uniquePrefix(name: string): string {
  return `rescue-llm-test-${name}-${randomBytes(4).toString("hex")}`;
}

/** Deletes every key under the prefix (after a test file). */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
