// The version `rescue-llm --version` prints: package.json's, read where npm installed us.
import { readFileSync } from "node:fs";

/** Works from src/cli and dist/cli alike: both sit two levels below the package root. */
const PACKAGE_JSON = new URL("../../package.json", import.meta.url);

export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version?: unknown };
  return typeof version === "string" ? version : "unknown";
}
