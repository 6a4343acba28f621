/**
 * Subscription cursors (opaque to clients). No I/O.
 *
 * A cursor says what the client holds: every event of its subscription, from block `fromBlock` on,
 * that was on the indexed chain at change number `seq` of the server's change log (epoch: this
 * server process), at or before position `upTo` (block number, log index), or all of them when
 * `upTo` is null. Resuming from it sends exactly the difference: the changes after `seq` at or
 * before `upTo` (additions and retractions), then the events after `upTo`, then live changes.
 */

export interface Position {
  blockNumber: bigint;
  logIndex: number;
}

export interface Cursor {
  epoch: string;
  fromBlock: bigint;
  seq: number;
  upTo: Position | null;
}

export type DecodedCursor = { ok: true; value: Cursor } | { ok: false; error: string };

const PREFIX = "c1";

export function encodeCursor(c: Cursor): string {
  const upTo = c.upTo ? `${c.upTo.blockNumber}.${c.upTo.logIndex}` : "";
  return [PREFIX, c.epoch, c.fromBlock.toString(), String(c.seq), upTo].join(":");
}

export function decodeCursor(text: string): DecodedCursor {
  const bad = { ok: false as const, error: "after is not a cursor this API gave: pass the cursor of the last event you received" };
  if (typeof text !== "string" || text.length > 200) return bad;
  const parts = text.split(":");
  if (parts.length !== 5 || parts[0] !== PREFIX) return bad;
  const [, epoch, from, seq, upTo] = parts as [string, string, string, string, string];
  if (!/^[0-9a-z]{1,32}$/.test(epoch) || !/^[0-9]{1,30}$/.test(from) || !/^[0-9]{1,15}$/.test(seq)) return bad;
  let position: Position | null = null;
  if (upTo !== "") {
    const m = /^(-?[0-9]{1,30})\.([0-9]{1,10})$/.exec(upTo);
    if (!m) return bad;
    position = { blockNumber: BigInt(m[1]!), logIndex: Number(m[2]) };
  }
  return { ok: true, value: { epoch, fromBlock: BigInt(from), seq: Number(seq), upTo: position } };
}

/** -1, 0 or 1 as position a is before, at or after b. */
export function comparePositions(a: Position, b: Position): number {
  if (a.blockNumber !== b.blockNumber) return a.blockNumber < b.blockNumber ? -1 : 1;
  return a.logIndex === b.logIndex ? 0 : a.logIndex < b.logIndex ? -1 : 1;
}
