// Run progress on the terminal: a live bar (cli-progress) on a TTY, one plain line every few
// seconds otherwise. Both go to stderr so that `--json` output on stdout stays clean.
import cliProgress from "cli-progress";
import type { RunProgress } from "../enrichment/pipeline/run-types.js";

export interface ProgressReporter {
  update(progress: RunProgress): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 5_000;

function rate(p: RunProgress): number {
  return p.elapsedMs > 0 ? p.done / (p.elapsedMs / 1000) : 0;
}

function eta(p: RunProgress): string {
  const r = rate(p);
  if (r <= 0 || p.total <= p.done) return "-";
  const s = Math.round((p.total - p.done) / r);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

function payload(p: RunProgress) {
  return {
    ok: p.succeeded,
    failed: p.failed,
    skipped: p.skipped,
    rate: rate(p).toFixed(1),
    eta_text: eta(p),
    cost: p.costUsd.toFixed(4),
    held: p.heldByOtherRuns > 0 ? ` | held by other runs ${p.heldByOtherRuns}` : "",
    batch_text: p.batch
      ? ` | batches ${p.batch.batches} (${p.batch.live} live): ${p.batch.completed}/${p.batch.requests} done, ${p.batch.failed} failed`
      : "",
  };
}

export function createProgressReporter(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  label: string,
): ProgressReporter {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_text} | ok {ok} failed {failed} skipped {skipped} | $` +
          "{cost}{held}{batch_text}",
        hideCursor: true,
        clearOnComplete: false,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.total, p.done, payload(p));
          started = true;
        } else {
          bar.setTotal(Math.max(p.total, p.done));
          bar.update(p.done, payload(p));
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastAt = 0;
  let last: RunProgress | undefined;
  const print = (p: RunProgress) => {
    const v = payload(p);
    stream.write(
      `${label}: ${p.done}/${p.total} done, ${v.rate}/s, ETA ${v.eta_text}, ok ${v.ok}, failed ${v.failed}, skipped ${v.skipped}, $${v.cost}${p.heldByOtherRuns > 0 ? `, held by other runs ${p.heldByOtherRuns}` : ""}${v.batch_text}\n`,
    );
  };
  return {
    update(p) {
      last = p;
      const now = Date.now();
      if (now - lastAt >= PLAIN_INTERVAL_MS) {
        lastAt = now;
        print(p);
      }
    },
    stop() {
      if (last !== undefined && Date.now() - lastAt > 0 && lastAt !== 0) print(last);
    },
  };
}
