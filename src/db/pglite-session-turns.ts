// PGlite is one Postgres session. pglite-socket lets several clients share it by queueing
// their wire messages and, while PGlite reports a transaction block, taking only the
// message of the client whose transaction it is. That misses an extended-protocol
// exchange outside BEGIN (Parse, Bind, Describe, Execute … Sync — what `pg` sends for
// every query with parameters): when a large Bind arrives in several TCP chunks, another
// client's Parse runs in between and the Bind meets the wrong statement (we saw a 3 MB
// parameter fail with "invalid input syntax for type integer" from a neighbour's query).
//
// The fix: the session stays with a client until PGlite's last answer to it was
// ReadyForQuery with status 'I' (idle) — the end of its exchange and of any transaction.
// We give pglite-socket a view of PGlite whose isInTransaction() reports exactly that, so
// its queue keeps each client's turn for a whole exchange or transaction. Clients thus
// take turns per transaction, as Postgres serialises conflicting transactions.
import type { PGlite } from "@electric-sql/pglite";

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'
const TERMINATE = 0x58; // 'X'

/** The PGlite as pglite-socket should see it: sharing one session turn by turn. */
export function withSessionTurns(pglite: PGlite): PGlite {
  let turnHeld = false;
  const view: Partial<PGlite> = {
    isInTransaction: () => turnHeld,
    async execProtocolRawStream(message, options) {
      const answer = new LastMessageTracker();
      await pglite.execProtocolRawStream(message, {
        ...options,
        onRawData(data) {
          answer.push(data);
          options.onRawData(data);
        },
      });
      const status = answer.readyStatus();
      // No ReadyForQuery yet: the client is inside an exchange (or COPY). Terminate has
      // no answer and changes nothing; the socket's close then rolls back if needed.
      if (status !== undefined) turnHeld = status !== IDLE;
      else if (message[0] !== TERMINATE) turnHeld = true;
    },
    // pglite-socket runs exec only to roll back a client that left mid-transaction.
    async exec(query, options) {
      try {
        return await pglite.exec(query, options);
      } finally {
        turnHeld = pglite.isInTransaction();
      }
    },
  };
  return new Proxy(pglite, {
    get(target, property) {
      if (Object.hasOwn(view, property)) {
        const own: unknown = Reflect.get(view, property);
        return own;
      }
      const value: unknown = Reflect.get(target, property, target);
      // PGlite's methods use private fields: they must run with PGlite itself as `this`.
      return typeof value === "function" ? (value as () => unknown).bind(target) : value;
    },
  });
}

/**
 * Follows the backend's message framing (type byte, int32 length) across chunks and
 * remembers the status byte of a final ReadyForQuery.
 */
export class LastMessageTracker {
  private readonly header = new Uint8Array(5);
  private headerBytes = 0;
  private bodyRemaining = 0;
  private bodyOffset = 0;
  private lastType: number | undefined;
  private status: number | undefined;

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyRemaining > 0) {
        if (this.lastType === READY_FOR_QUERY && this.bodyOffset === 0) this.status = chunk[i];
        const taken = Math.min(this.bodyRemaining, chunk.length - i);
        i += taken;
        this.bodyRemaining -= taken;
        this.bodyOffset += taken;
        continue;
      }
      this.header[this.headerBytes++] = chunk[i++] as number;
      if (this.headerBytes === 5) {
        this.headerBytes = 0;
        this.lastType = this.header[0];
        this.bodyRemaining = new DataView(this.header.buffer).getInt32(1) - 4;
        this.bodyOffset = 0;
        this.status = undefined;
      }
    }
  }

  /** The status byte when the last complete message was ReadyForQuery, else undefined. */
  readyStatus(): number | undefined {
    const complete = this.headerBytes === 0 && this.bodyRemaining === 0;
    return complete && this.lastType === READY_FOR_QUERY ? this.status : undefined;
  }
}
