// Every installed package must accept the Node it runs on (SPEC §1: Node 20): npm only
// warns EBADENGINE and installs anyway, and such a package may use an API Node 20 lacks.
// Reads node_modules as installed (nested copies included) and checks `engines.node` with
// semver as npm does. When this fails, pick a version or an npm `overrides` entry in
// package.json whose engines include the running Node.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly path: string;
  readonly nodeRange: string | undefined;
}

function readPackage(dir: string): InstalledPackage | undefined {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, "utf8")) as {
    name?: string;
    version?: string;
    engines?: { node?: unknown };
  };
  const range = json.engines?.node;
  return {
    name: json.name ?? dir,
    version: json.version ?? "?",
    path: dir,
    nodeRange: typeof range === "string" ? range : undefined,
  };
}

function installedPackages(nodeModules: string): InstalledPackage[] {
  if (!existsSync(nodeModules)) return [];
  const found: InstalledPackage[] = [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const dir = join(nodeModules, entry.name);
    const dirs = entry.name.startsWith("@")
      ? readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(dir, e.name))
      : [dir];
    for (const packageDir of dirs) {
      const installed = readPackage(packageDir);
      if (installed !== undefined) found.push(installed);
      found.push(...installedPackages(join(packageDir, "node_modules")));
    }
  }
  return found;
}

/** npm's own rule (npm-install-checks): prereleases count, an invalid range fails. */
function acceptsNode(range: string, nodeVersion: string): boolean {
  return semver.satisfies(nodeVersion, range, { includePrerelease: true });
}

describe("installed dependencies", () => {
  const packages = installedPackages(join(ROOT, "node_modules"));

  it("finds the installed tree", () => {
    // A walk that found nothing would pass the next test vacuously.
    expect(packages.length).toBeGreaterThan(100);
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(["fastify", "pg"]));
  });

  it(`all accept the running Node (${process.version})`, () => {
    const refusing = packages
      .filter((p) => p.nodeRange !== undefined && !acceptsNode(p.nodeRange, process.version))
      .map((p) => `${p.name}@${p.version} requires node ${p.nodeRange} (${p.path})`);
    expect(refusing).toEqual([]);
  });

  it("our own engines range accepts the running Node", () => {
    const own = readPackage(ROOT);
    expect(own?.nodeRange).toBeDefined();
    expect(acceptsNode(own?.nodeRange ?? "", process.version)).toBe(true);
  });

  it("the check refuses what npm refuses", () => {
    // The versions issue 12 found: both require Node >= 22.
    expect(acceptsNode(">=22", "v20.20.2")).toBe(false);
    expect(acceptsNode(">=18", "v20.20.2")).toBe(true);
    expect(acceptsNode("not a range", "v20.20.2")).toBe(false);
  });
});
