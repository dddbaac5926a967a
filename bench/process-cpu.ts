// CPU time of processes and of the whole machine, from Linux's /proc, so a bench section can
// say whether its processes were starved of CPU (busy cores near the machine's core count)
// or waiting on something else.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's counters (almost always 100). */
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** User + system CPU seconds a live process has used so far (/proc/<pid>/stat fields 14, 15). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its ')' are plain numbers.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export interface MachineCpuSample {
  /** CPU seconds spent busy (not idle, not waiting for I/O), summed over all cores. */
  readonly busySeconds: number;
  readonly totalSeconds: number;
}

/** The machine's CPU counters since boot (/proc/stat, first line). */
export function machineCpu(): MachineCpuSample {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busySeconds: (total - idle) / TICKS_PER_SECOND, totalSeconds: total / TICKS_PER_SECOND };
}

/** Busy cores on average between two samples (0 … the core count). */
export function busyCores(
  before: MachineCpuSample,
  after: MachineCpuSample,
  wallSeconds: number,
): number {
  return wallSeconds > 0 ? (after.busySeconds - before.busySeconds) / wallSeconds : 0;
}

/**
 * User + system CPU seconds used so far by every live process whose command is `command`
 * (e.g. "postgres": the server's backends and its background processes). A process that
 * exits between two samples takes its share with it, so compare samples of long-lived ones.
 */
export function commandCpuSeconds(command: string): number {
  let seconds = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (name === command) seconds += processCpuSeconds(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return seconds;
}
