// Where the real listings of ../shared/data are, for tests, the eval and the benchmarks. They
// are read where they are, never copied into the repo: beside the checkout (../shared/data), or,
// for a clone made elsewhere (CI clones into a temporary directory), beside the checkout it was
// cloned from (or that one's origin); SHARED_DATA_DIR overrides all of them.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** The checkout `repo` was cloned from, when that is a directory on this machine. */
function originOf(repo: string): string | undefined {
  try {
    const url = execFileSync("git", ["-C", repo, "config", "--get", "remote.origin.url"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const path = url.startsWith("file://") ? fileURLToPath(url) : url;
    return isAbsolute(path) || path.startsWith(".") ? resolve(repo, path) : undefined;
  } catch {
    return undefined;
  }
}

/** This checkout, the one it was cloned from, that one's origin… (a few levels at most). */
function checkoutChain(): string[] {
  const chain = [REPO];
  for (let i = 0; i < 4; i++) {
    const origin = originOf(chain[chain.length - 1]!);
    if (origin === undefined || chain.includes(origin)) break;
    chain.push(origin);
  }
  return chain;
}

/** Looks the directory up (uncached): SHARED_DATA_DIR, then beside this checkout, then beside its origin. */
export function findSharedDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SHARED_DATA_DIR;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return resolve(fromEnv);
  const candidates = checkoutChain().map((checkout) =>
    join(dirname(resolve(checkout)), "shared", "data"),
  );
  const found = candidates.find((dir) => existsSync(join(dir, "listings.jsonl")));
  if (found === undefined) {
    throw new Error(
      `the shared listings (listings.jsonl) are in none of ${candidates.join(", ")}: set SHARED_DATA_DIR to the directory that holds them`,
    );
  }
  return found;
}

let cached: string | undefined;

/** The directory holding listings.jsonl and listings-eval.jsonl. */
export function sharedDataDir(): string {
  cached ??= findSharedDataDir();
  return cached;
}

/** The path of one of its files, e.g. sharedDataFile("listings-eval.jsonl"). */
export function sharedDataFile(name: string): string {
  return join(sharedDataDir(), name);
}
