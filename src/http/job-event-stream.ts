// Server-sent events for one job: the current state first, then every change, ending after a
// terminal state. The raw socket is written directly (the reply is hijacked), so every header
// the hooks set (security headers, request id, CORS) is copied over by hand. Each event's data
// is the job as GET /api/llm/jobs/:id shows it.
import type { FastifyReply, FastifyRequest } from "fastify";
import { toJobStateJson } from "../contract/job-state-json.js";
import {
  FINISHED_JOB_STATES,
  type JobQueue,
  type JobState,
  type JobStateName,
} from "../jobs/job-queue.js";

const TERMINAL: ReadonlySet<JobStateName> = FINISHED_JOB_STATES;

export function isTerminal(state: JobState): boolean {
  return TERMINAL.has(state.state);
}

export interface StreamOptions {
  readonly heartbeatMs: number;
  /** Where to register an "end now" callback for server shutdown. */
  readonly openStreams: Set<() => void>;
}

export async function streamJobEvents(
  jobs: JobQueue,
  initial: JobState,
  request: FastifyRequest,
  reply: FastifyReply,
  options: StreamOptions,
): Promise<void> {
  const raw = reply.raw;
  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  raw.writeHead(200, {
    ...headers,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    // Tells nginx-style proxies not to buffer the stream.
    "x-accel-buffering": "no",
  });

  let eventId = 0;
  let ended = false;
  let lastSent = "";
  let unsubscribe: () => void = () => undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    options.openStreams.delete(end);
    raw.end();
  };
  const send = (state: JobState) => {
    const data = JSON.stringify(toJobStateJson(state));
    // Queues may notify without a change (e.g. on subscribe); send each state once.
    if (ended || data === lastSent) return;
    lastSent = data;
    eventId += 1;
    raw.write(`id: ${eventId}\nevent: ${isTerminal(state) ? "end" : "state"}\ndata: ${data}\n\n`);
    if (isTerminal(state)) end();
  };
  // A comment line keeps idle proxies from closing a quiet stream.
  const heartbeat = setInterval(() => {
    if (!ended) raw.write(": keep-alive\n\n");
  }, options.heartbeatMs);
  heartbeat.unref();
  options.openStreams.add(end);
  request.raw.on("close", end);

  // Subscribe before reading the state again, so no change between the two is lost.
  const pending: JobState[] = [];
  let live = false;
  unsubscribe = jobs.subscribe(initial.id, (state) => {
    if (live) send(state);
    else pending.push(state);
  });
  const current = (await jobs.get(initial.id)) ?? initial;
  send(current);
  live = true;
  for (const state of pending) {
    // Skip notifications older than the state already sent.
    if (state.done >= current.done) send(state);
  }
}
