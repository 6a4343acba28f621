/**
 * A recorded chain on disk: every block with its transactions, receipts and logs, written as the
 * chain is mined (chain/recorder.ts) and read back by a JSON-RPC server (chain/recordedRpc.ts),
 * so neither side holds the chain in memory.
 *
 * Layout of a recording directory:
 * - `blocks.dat`: append-only; per block four gzip'd JSON sections one after another: the header
 *   (the block as `eth_getBlockByNumber(n, false)` answers it, transaction hashes included), the
 *   full transactions, the receipts without their logs, the logs (as `eth_getLogs` answers them).
 * - `blocks.idx`: one fixed-size entry per block, block n at n × ENTRY_BYTES: the offset of its
 *   record in blocks.dat (u64), the four sections' lengths (u32 each), the block hash (32 bytes).
 *   Blocks are consecutive from 0, so a block is found by number with one read.
 * - `tx/<xx>.bin`: transaction hash → (block, index), 40-byte entries bucketed by the hash's first
 *   byte: a lookup reads one bucket, 1/256 of the index.
 * - `meta.json`: written last (chain id, head, counts): a recording without it is incomplete.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";

export type Hex = `0x${string}`;
export type RpcObject = Record<string, unknown>;
export interface RecordedBlock {
  /** The block with full transaction objects (eth_getBlockByNumber(n, true)). */
  block: RpcObject & { number: Hex; hash: Hex; parentHash: Hex; transactions: RpcObject[] };
  /** eth_getBlockReceipts(n): one per transaction, in order, logs included. */
  receipts: (RpcObject & { logs: RpcObject[] })[];
}

export interface RecordingMeta {
  format: 1;
  chainId: number;
  head: number;
  blocks: number;
  transactions: number;
  logs: number;
  /** Bytes of blocks.dat. */
  dataBytes: number;
}

const SECTIONS = 4;
export const ENTRY_BYTES = 8 + 4 * SECTIONS + 32;
export const TX_ENTRY_BYTES = 40;
export type Section = "header" | "transactions" | "receipts" | "logs";
const SECTION_INDEX: Record<Section, number> = { header: 0, transactions: 1, receipts: 2, logs: 3 };

const hexBytes = (h: string, n: number): Buffer => {
  const b = Buffer.from(h.slice(2).padStart(n * 2, "0"), "hex");
  if (b.length !== n) throw new Error(`${h} is not ${n} bytes`);
  return b;
};
const lower = (h: unknown) => String(h).toLowerCase();

export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecordingError";
  }
}

/** Appends blocks, in order from 0, to a recording directory. */
export class RecordingWriter {
  private readonly data: number;
  private readonly idx: number;
  private offset: number;
  private next = 0;
  private lastHash: string | null = null;
  private txBuckets = new Map<number, Buffer[]>();
  private txBuffered = 0;
  transactions = 0;
  logs = 0;

  constructor(
    readonly dir: string,
    private readonly level = 1,
  ) {
    if (existsSync(join(dir, "blocks.idx"))) throw new RecordingError(`${dir} already holds a recording`);
    mkdirSync(join(dir, "tx"), { recursive: true });
    this.data = openSync(join(dir, "blocks.dat"), "a");
    this.idx = openSync(join(dir, "blocks.idx"), "a");
    this.offset = fstatSync(this.data).size;
  }

  /** The next block number expected. */
  get nextBlock(): number {
    return this.next;
  }

  append({ block, receipts }: RecordedBlock): void {
    const number = Number(BigInt(block.number));
    if (number !== this.next) throw new RecordingError(`block ${number} recorded out of order: expected block ${this.next}`);
    if (this.lastHash !== null && lower(block.parentHash) !== this.lastHash) {
      throw new RecordingError(`block ${number}'s parentHash ${block.parentHash} is not block ${number - 1}'s hash ${this.lastHash}: the chain reorganized while it was recorded`);
    }
    if (receipts.length !== block.transactions.length) throw new RecordingError(`block ${number} has ${block.transactions.length} transactions but ${receipts.length} receipts`);
    const logs: RpcObject[] = [];
    const bareReceipts = receipts.map((r, i) => {
      if (lower(r.transactionHash) !== lower(block.transactions[i]!.hash)) throw new RecordingError(`block ${number}: receipt ${i} is for ${String(r.transactionHash)}, not ${String(block.transactions[i]!.hash)}`);
      const { logs: own, ...rest } = r;
      logs.push(...own);
      return rest;
    });
    const header = { ...block, transactions: block.transactions.map((t) => t.hash) };
    const parts = [header, block.transactions, bareReceipts, logs].map((s) => gzipSync(JSON.stringify(s), { level: this.level }));
    const entry = Buffer.alloc(ENTRY_BYTES);
    entry.writeBigUInt64LE(BigInt(this.offset), 0);
    parts.forEach((p, i) => entry.writeUInt32LE(p.length, 8 + 4 * i));
    hexBytes(block.hash, 32).copy(entry, 8 + 4 * SECTIONS);
    const record = Buffer.concat(parts);
    writeAll(this.data, record);
    writeAll(this.idx, entry);
    this.offset += record.length;
    block.transactions.forEach((t, i) => {
      const e = Buffer.alloc(TX_ENTRY_BYTES);
      const h = hexBytes(String(t.hash), 32);
      h.copy(e, 0);
      e.writeUInt32LE(number, 32);
      e.writeUInt32LE(i, 36);
      const list = this.txBuckets.get(h[0]!);
      if (list) list.push(e);
      else this.txBuckets.set(h[0]!, [e]);
    });
    this.txBuffered += block.transactions.length;
    if (this.txBuffered >= 50_000) this.flushTx();
    this.transactions += block.transactions.length;
    this.logs += logs.length;
    this.lastHash = lower(block.hash);
    this.next++;
  }

  private flushTx(): void {
    for (const [bucket, entries] of this.txBuckets) {
      const fd = openSync(join(this.dir, "tx", `${bucket.toString(16).padStart(2, "0")}.bin`), "a");
      try {
        writeAll(fd, Buffer.concat(entries));
      } finally {
        closeSync(fd);
      }
    }
    this.txBuckets.clear();
    this.txBuffered = 0;
  }

  /** Flushes and writes meta.json: from now on the recording is complete. */
  finish(chainId: number): RecordingMeta {
    if (this.next === 0) throw new RecordingError("no block was recorded");
    this.flushTx();
    closeSync(this.data);
    closeSync(this.idx);
    const meta: RecordingMeta = { format: 1, chainId, head: this.next - 1, blocks: this.next, transactions: this.transactions, logs: this.logs, dataBytes: this.offset };
    writeFileSync(join(this.dir, "meta.json"), JSON.stringify(meta, null, 2) + "\n");
    return meta;
  }

  /** Closes the files without marking the recording complete. */
  abandon(): void {
    try { closeSync(this.data); } catch {}
    try { closeSync(this.idx); } catch {}
  }
}

function writeAll(fd: number, buf: Buffer): void {
  for (let done = 0; done < buf.length; ) done += writeSync(fd, buf, done, buf.length - done);
}

export function isCompleteRecording(dir: string): boolean {
  return existsSync(join(dir, "meta.json"));
}

/** Reads a complete recording: blocks by number or hash, their sections, transactions by hash. */
export class RecordingReader {
  readonly meta: RecordingMeta;
  private readonly index: Buffer;
  private readonly data: number;
  private readonly byHash = new Map<string, number>();
  private readonly cache = new Map<string, unknown>();

  constructor(
    readonly dir: string,
    /** Parsed sections kept (least recently used dropped): Ponder asks for a block's logs, then for the block. */
    private readonly cacheEntries = 32,
  ) {
    if (!isCompleteRecording(dir)) throw new RecordingError(`${dir} holds no complete recording (meta.json missing)`);
    this.meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as RecordingMeta;
    if (this.meta.format !== 1) throw new RecordingError(`${dir}: unknown recording format ${String(this.meta.format)}`);
    this.index = readFileSync(join(dir, "blocks.idx"));
    if (this.index.length !== this.meta.blocks * ENTRY_BYTES) throw new RecordingError(`${dir}/blocks.idx holds ${this.index.length / ENTRY_BYTES} entries, meta.json says ${this.meta.blocks} blocks`);
    for (let n = 0; n < this.meta.blocks; n++) this.byHash.set(this.hashOf(n), n);
    this.data = openSync(join(dir, "blocks.dat"), "r");
  }

  close(): void {
    closeSync(this.data);
  }

  get head(): number {
    return this.meta.head;
  }

  hashOf(n: number): string {
    const at = n * ENTRY_BYTES + 8 + 4 * SECTIONS;
    return "0x" + this.index.subarray(at, at + 32).toString("hex");
  }

  numberOfHash(hash: string): number | undefined {
    return this.byHash.get(hash.toLowerCase());
  }

  has(n: number): boolean {
    return Number.isSafeInteger(n) && n >= 0 && n <= this.meta.head;
  }

  section<T = unknown>(n: number, section: Section): T {
    if (!this.has(n)) throw new RecordingError(`block ${n} is not in the recording (0..${this.meta.head})`);
    const key = `${n}:${section}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit as T;
    }
    const base = n * ENTRY_BYTES;
    let offset = Number(this.index.readBigUInt64LE(base));
    const s = SECTION_INDEX[section];
    for (let i = 0; i < s; i++) offset += this.index.readUInt32LE(base + 8 + 4 * i);
    const length = this.index.readUInt32LE(base + 8 + 4 * s);
    const buf = Buffer.alloc(length);
    for (let done = 0; done < length; ) {
      const r = readSync(this.data, buf, done, length - done, offset + done);
      if (r === 0) throw new RecordingError(`${this.dir}/blocks.dat ends inside block ${n}`);
      done += r;
    }
    const value = JSON.parse(gunzipSync(buf).toString("utf8")) as T;
    this.cache.set(key, value);
    if (this.cache.size > this.cacheEntries) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }

  /** Where a transaction is: (block, index), or undefined. */
  locateTransaction(hash: string): { block: number; index: number } | undefined {
    if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) return undefined;
    const h = Buffer.from(hash.slice(2), "hex");
    const path = join(this.dir, "tx", `${h[0]!.toString(16).padStart(2, "0")}.bin`);
    if (!existsSync(path)) return undefined;
    const bucket = readFileSync(path);
    for (let at = 0; at + TX_ENTRY_BYTES <= bucket.length; at += TX_ENTRY_BYTES) {
      if (bucket.compare(h, 0, 32, at, at + 32) === 0) return { block: bucket.readUInt32LE(at + 32), index: bucket.readUInt32LE(at + 36) };
    }
    return undefined;
  }
}
