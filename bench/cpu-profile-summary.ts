// Summarises a V8 .cpuprofile (`node --cpu-prof`): self time by function and by package
// (node_modules/<name>, our src/ folder, node: internals, GC), largest first.
// Usage: tsx bench/cpu-profile-summary.ts <file.cpuprofile> [--top N] [--from <function>]
// --from: count only the samples from the first one with <function> on its stack on (e.g.
// --from runEnrichment leaves process start-up out).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" }, from: { type: "string" } },
});
const file = positionals[0];
if (file === undefined) {
  process.stderr.write("usage: cpu-profile-summary <file.cpuprofile> [--top N]\n");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
const top = Number(values.top);

/** Which package (or part of ours) a frame belongs to. */
function packageOf(url: string, name: string): string {
  if (name === "(garbage collector)") return "(gc)";
  if (name === "(idle)" || name === "(program)" || name === "(root)") return name;
  if (url === "") return "(native)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  const ours = /\/(src|dist|bench)\/(.+)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]!.split("/").slice(0, -1).join("/") || "."}`;
  return url;
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
const isOurs = (url: string) => !url.includes("node_modules") && /\/(src|dist)\//.test(url);
/** The nearest frame of our own code at or above `id`: where a library's time is spent from. */
function oursAbove(id: number): string {
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
    if (isOurs(url)) return `${functionName || "(anonymous)"} ${short(url)}:${lineNumber + 1}`;
  }
  return "(not under our code)";
}
const onStack = (id: number, functionName: string): boolean => {
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    if (byId.get(at)!.callFrame.functionName === functionName) return true;
  }
  return false;
};
const firstSample =
  values.from === undefined ? 0 : profile.samples.findIndex((id) => onStack(id, values.from!));
if (firstSample < 0) {
  process.stderr.write(`no sample has ${values.from} on its stack\n`);
  process.exit(2);
}
const selfUs = new Map<number, number>();
for (let i = firstSample; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idleUs = [...selfUs.entries()]
  .filter(([id]) => byId.get(id)?.callFrame.functionName === "(idle)")
  .reduce((a, [, us]) => a + us, 0);
const busyUs = totalUs - idleUs;

const functions = new Map<string, number>();
const fromOurs = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === "(idle)") continue;
  const where = url === "" ? "" : ` ${short(url)}:${lineNumber + 1}`;
  const caller = oursAbove(id);
  fromOurs.set(caller, (fromOurs.get(caller) ?? 0) + us);
  const fn = `${functionName || "(anonymous)"}${where}`;
  functions.set(fn, (functions.get(fn) ?? 0) + us);
  const pkg = packageOf(url, functionName);
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
}

const pct = (us: number) => `${((us / busyUs) * 100).toFixed(1).padStart(5)}%`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
const print = (title: string, rows: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${pct(us)} ${ms(us)}  ${name}\n`);
  }
};
process.stdout.write(
  `profile: ${(profile.timeDeltas.slice(firstSample).reduce((a, b) => a + b, 0) / 1e6).toFixed(2)} s wall` +
    `${values.from === undefined ? "" : ` from the first sample in ${values.from}`}, ` +
    `${(busyUs / 1000).toFixed(0)} ms busy (not idle); percentages are of busy time\n`,
);
print("self time by package", packages);
print("self time by function", functions);
print("self time (libraries' included) by the nearest function of ours on the stack", fromOurs);

function short(url: string): string {
  return url.replace(/^.*?\/((?:node_modules|src|dist)\/)/, "$1");
}
