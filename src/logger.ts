import { Writable } from "node:stream";
import { pino, type Logger } from "pino";

export type { Logger };

/** Paths pino blanks out wherever they appear, so secrets never reach a log line. */
export const REDACTED_PATHS = [
  "apiKey",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  'headers["x-api-key"]',
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  "password",
  "*.password",
  "databaseUrl",
  "*.databaseUrl",
];

/** Logs go to stderr so `--json` output on stdout stays machine-readable. */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = process.stderr,
): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}

/**
 * Where a CLI command's structured logs go: LOG_FILE when set (appended, created with its
 * directory); else `fallback` (stderr).
 */
export function logDestination(
  logFile: string | undefined,
  fallback: NodeJS.WritableStream,
): pino.DestinationStream {
  if (logFile === undefined) return fallback;
  // Synchronous writes: a CLI process's last lines reach the file before it exits.
  return pino.destination({ dest: logFile, mkdir: true, sync: true, append: true });
}

/**
 * Holds log lines while a progress bar owns the terminal, so JSON lines never break into it;
 * `release()` writes what it holds (the last `maxLines`, saying how many were dropped) and
 * passes later lines straight through.
 */
export function createHeldLogStream(
  target: NodeJS.WritableStream,
  maxLines = 1000,
): NodeJS.WritableStream & { release(): void } {
  let held: string[] | undefined = [];
  let dropped = 0;
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const line = typeof chunk === "string" ? chunk : chunk.toString("utf8");
      if (held === undefined) target.write(line);
      else {
        held.push(line);
        if (held.length > maxLines) {
          held.shift();
          dropped += 1;
        }
      }
      callback();
    },
  });
  return Object.assign(stream, {
    release() {
      if (held === undefined) return;
      const lines = held;
      held = undefined;
      if (dropped > 0) {
        target.write(
          `${JSON.stringify({ level: 40, msg: `${dropped} earlier log line(s) dropped while the progress bar ran; set LOG_FILE to keep every line` })}\n`,
        );
      }
      for (const line of lines) target.write(line);
    },
  });
}
