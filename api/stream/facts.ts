/**
 * Live subscriptions' source: ONE poller per server over the facts tables (inference,
 * rewardAccrual), shared by every subscriber.
 *
 * Each tick reads the network row (the last fully written block and its hash: nothing else is read
 * while it is unchanged), then the facts of the unfinalized window (blocks above `floor`, at most
 * `depth` below the head, deeper than Ponder's finality) and compares them with the window it
 * holds, by (row, block hash): rows gone are RETRACTED (a reorg removed their block), new rows
 * ADDED, in block order. As the head moves on, rows falling below the window are FINALIZED (no
 * reorg can remove them any more). Every change gets the next number of the change log (kept in
 * memory, bounded); cursors (cursor.ts) point into it, so a client that reconnects gets exactly
 * what changed while it was away. Events of final blocks are read from the database, paged.
 */
import { and, asc, eq, gt, gte, lte, sql } from "ponder";
import type { SQL } from "drizzle-orm";
import { GraphQLError } from "graphql/index.js";
import { randomBytes } from "node:crypto";
import type { AccrualRow, Db, InferenceRow, Tables } from "../graphql/context.js";
import { FLAGGED, SPLIT_MISMATCH } from "../totals/rollups.js";
import { checkpointBlockNumber } from "../../indexer/digest.js";
import { comparePositions, encodeCursor, type Cursor, type Position } from "./cursor.js";
import type { Rule } from "../../core/audit.js";

export type { Rule };

interface FactBase {
  key: string;
  position: Position;
  blockHash: string;
}
export type Fact =
  | (FactBase & { kind: "accrual"; row: AccrualRow })
  | (FactBase & { kind: "inference"; row: InferenceRow; datanetIds: bigint[]; rules: Rule[] });

export type ChangeKind = "ADDED" | "RETRACTED" | "FINALIZED";
interface Change {
  seq: number;
  change: ChangeKind;
  fact: Fact;
}

/** What one subscription follows. */
export type Filter =
  | { kind: "accrual"; account: string }
  | { kind: "inference"; modelId?: bigint; datanetId?: bigint; contributionId?: bigint; flagged?: { rule: Rule | null } };

/** One event as a subscription sends it. */
export interface StreamEvent {
  change: "ADDED" | "RETRACTED";
  cursor: string;
  blockNumber: bigint;
  blockHash: string;
  logIndex: number;
  fact: Fact;
}

export interface StreamOptions {
  /** Milliseconds between polls of the network row. */
  pollMs: number;
  /** Blocks below the head kept in the window (reorgs deeper than this are not followed). */
  depth: number;
  /** Changes kept for resuming clients. */
  logSize: number;
  /** Events waiting for one slow client before its stream is ended (it resumes from its cursor). */
  maxQueue: number;
}

export const DEFAULT_STREAM_OPTIONS: StreamOptions = { pollMs: 250, depth: 64, logSize: 20_000, maxQueue: 10_000 };

const PAGE = 500;

export function streamError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function matches(filter: Filter, fact: Fact): boolean {
  if (filter.kind === "accrual") return fact.kind === "accrual" && fact.row.account === filter.account;
  if (fact.kind !== "inference") return false;
  if (filter.modelId !== undefined && fact.row.modelId !== filter.modelId) return false;
  if (filter.contributionId !== undefined && !fact.row.contributionIds.includes(filter.contributionId)) return false;
  if (filter.datanetId !== undefined && !fact.datanetIds.includes(filter.datanetId)) return false;
  if (filter.flagged) return filter.flagged.rule === null ? fact.rules.length > 0 : fact.rules.includes(filter.flagged.rule);
  return true;
}

function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}

export class FactStream {
  readonly epoch = randomBytes(6).toString("hex");
  private window = new Map<string, Fact>();
  private initialized = false;
  private floor = -1n;
  private head = -1n;
  private lastHead = "";
  private log: Change[] = [];
  private nextSeq = 1;
  private subscribers = new Set<(c: Change) => void>();
  private started: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly t: Tables,
    private readonly options: StreamOptions = DEFAULT_STREAM_OPTIONS,
  ) {}

  /** The last change's number (0 before any). */
  get seq(): number {
    return this.nextSeq - 1;
  }

  /** Starts polling (once); resolves after the first read of the window. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = this.tick().then(() => {
        const loop = () => {
          if (this.stopped) return;
          this.timer = setTimeout(() => void this.tick().catch((err) => console.error(`[api] live subscriptions: reading the facts failed (retrying): ${err?.message ?? err}`)).finally(loop), this.options.pollMs);
          this.timer.unref?.();
        };
        loop();
      });
      this.started.catch(() => {
        this.started = null;
      });
    }
    return this.started;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One poll (exported for tests: waits for a running one instead of overlapping it). */
  tick(): Promise<void> {
    if (!this.ticking) this.ticking = this.poll().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async poll(): Promise<void> {
    const n = this.t.network;
    const [[head], checkpoints] = await Promise.all([
      this.db.select({ block: n.lastEventBlock, hash: n.lastEventBlockHash }).from(n).limit(1),
      this.db.execute(sql`SELECT min(latest_checkpoint)::text AS c FROM _ponder_checkpoint`),
    ]);
    if (!head) return;
    // The indexed head moves with every block (empty ones too): blocks fall out of the window by it.
    const checkpoint = rowsOf<{ c: string | null }>(checkpoints)[0]?.c;
    const indexed = checkpoint ? BigInt(checkpointBlockNumber(checkpoint)) : head.block;
    const top = indexed > head.block ? indexed : head.block;
    const changes: Omit<Change, "seq">[] = [];
    const headKey = `${head.block}:${head.hash}`;
    if (headKey !== this.lastHead) {
      const initial = !this.initialized;
      const floor = initial ? top - BigInt(this.options.depth) : this.floor;
      const current = await this.readWindow(floor, head.block);
      if (!initial) {
        const gone = [...this.window.values()].filter((f) => !current.has(f.key)).sort((a, b) => comparePositions(b.position, a.position));
        const fresh = [...current.values()].filter((f) => !this.window.has(f.key)).sort((a, b) => comparePositions(a.position, b.position));
        for (const fact of gone) changes.push({ change: "RETRACTED", fact });
        for (const fact of fresh) changes.push({ change: "ADDED", fact });
      }
      this.window = current;
      this.floor = floor;
      this.initialized = true;
      this.lastHead = headKey;
      if (head.block > this.head) this.head = head.block;
    }
    const nextFloor = top - BigInt(this.options.depth);
    if (this.initialized && nextFloor > this.floor) {
      const final = [...this.window.values()].filter((f) => f.position.blockNumber <= nextFloor).sort((a, b) => comparePositions(a.position, b.position));
      for (const fact of final) {
        changes.push({ change: "FINALIZED", fact });
        this.window.delete(fact.key);
      }
      this.floor = nextFloor;
    }
    for (const c of changes) {
      const change = { ...c, seq: this.nextSeq++ };
      this.log.push(change);
      for (const deliver of this.subscribers) deliver(change);
    }
    if (this.log.length > this.options.logSize) this.log.splice(0, this.log.length - this.options.logSize);
  }

  private async readWindow(floor: bigint, head: bigint): Promise<Map<string, Fact>> {
    const { inference: i, rewardAccrual: r, attribution: a } = this.t;
    const [inferences, accruals, datanets, mismatched] = await Promise.all([
      this.db.select().from(i).where(and(gt(i.blockNumber, floor), lte(i.blockNumber, head))),
      this.db.select().from(r).where(and(gt(r.blockNumber, floor), lte(r.blockNumber, head))),
      this.db.select({ inferenceId: a.inferenceId, datanetId: a.datanetId }).from(a).where(and(gt(a.blockNumber, floor), lte(a.blockNumber, head))),
      this.db.execute(sql`SELECT f.id::text AS id FROM ${i} f WHERE f.block_number > ${floor.toString()} AND f.block_number <= ${head.toString()} AND ${sql.raw(SPLIT_MISMATCH("f"))}`),
    ]);
    const mismatch = new Set(rowsOf<{ id: string }>(mismatched).map((x) => x.id));
    const datanetsOf = new Map<bigint, bigint[]>();
    for (const d of datanets) if (d.datanetId !== null) datanetsOf.set(d.inferenceId, [...(datanetsOf.get(d.inferenceId) ?? []), d.datanetId]);
    const out = new Map<string, Fact>();
    for (const row of inferences) {
      const fact = inferenceFact(row, datanetsOf.get(row.id) ?? [], mismatch.has(row.id.toString()));
      out.set(fact.key, fact);
    }
    for (const row of accruals) {
      const fact = accrualFact(row);
      out.set(fact.key, fact);
    }
    return out;
  }

  /**
   * A subscription's events: first what changed since `after` (or, with `fromBlock`, every event
   * from that block), then live changes. Checks everything before returning, so a bad cursor is
   * an error of the request, not of the stream. `finalizedOnly`: only events of final blocks
   * (never retracted).
   */
  async open(filter: Filter, opts: { after?: Cursor; fromBlock?: bigint; finalizedOnly?: boolean }): Promise<AsyncGenerator<StreamEvent>> {
    await this.start();
    const finalizedOnly = opts.finalizedOnly === true;
    const H = this.seq;
    let cursor: Cursor;
    if (opts.after) {
      const a = opts.after;
      const oldest = this.log[0]?.seq ?? this.nextSeq;
      if (a.epoch !== this.epoch || a.seq > H || a.seq < oldest - 1) {
        throw streamError(
          "this cursor is older than what the server keeps (or the server restarted): subscribe again with fromBlock set to the block of the last event you kept, after dropping the events you kept from that block on",
          "CURSOR_EXPIRED",
        );
      }
      cursor = a;
    } else if (opts.fromBlock !== undefined) {
      cursor = { epoch: this.epoch, fromBlock: opts.fromBlock, seq: H, upTo: { blockNumber: opts.fromBlock - 1n, logIndex: 2 ** 30 } };
    } else {
      cursor = { epoch: this.epoch, fromBlock: (finalizedOnly ? this.floor : this.head) + 1n, seq: H, upTo: null };
    }
    const fromBlock = cursor.fromBlock;
    const relevant = (c: Change) =>
      (finalizedOnly ? c.change === "FINALIZED" : c.change !== "FINALIZED") && c.fact.position.blockNumber >= fromBlock && matches(filter, c.fact);
    // Synchronously (no tick can run in between): the fix-ups, the window as of H, the live queue.
    const upTo = cursor.upTo;
    const fixups = this.log.filter((c) => c.seq > cursor.seq && relevant(c) && (upTo === null || comparePositions(c.fact.position, upTo) <= 0));
    const floorAtH = this.floor;
    const windowAtH = upTo && !finalizedOnly
      ? [...this.window.values()].filter((f) => f.position.blockNumber >= fromBlock && comparePositions(f.position, upTo) > 0 && matches(filter, f)).sort((x, y) => comparePositions(x.position, y.position))
      : [];
    const queue: Change[] = [];
    let wake: (() => void) | null = null;
    let overflow = false;
    const deliver = (c: Change) => {
      if (!relevant(c)) return;
      if (queue.length >= this.options.maxQueue) overflow = true;
      else queue.push(c);
      wake?.();
    };
    this.subscribers.add(deliver);
    const self = this;
    const event = (change: ChangeKind, fact: Fact, at: Cursor): StreamEvent => ({
      change: change === "RETRACTED" ? "RETRACTED" : "ADDED",
      cursor: encodeCursor(at),
      blockNumber: fact.position.blockNumber,
      blockHash: fact.blockHash,
      logIndex: fact.position.logIndex,
      fact,
    });
    async function* run(): AsyncGenerator<StreamEvent> {
      try {
        for (const c of fixups) yield event(c.change, c.fact, { ...cursor, seq: c.seq });
        if (upTo) {
          let after = upTo;
          for (;;) {
            const page = await self.readFinal(filter, fromBlock, floorAtH, after);
            for (const fact of page) yield event("ADDED", fact, { ...cursor, seq: H, upTo: fact.position });
            if (page.length < PAGE) break;
            after = page[page.length - 1]!.position;
          }
          for (const fact of windowAtH) yield event("ADDED", fact, { ...cursor, seq: H, upTo: fact.position });
        }
        for (;;) {
          if (overflow) throw streamError("this client reads events too slowly: the server ended its stream; resume with the cursor of the last event received", "SLOW_CONSUMER");
          const c = queue.shift();
          if (c) {
            yield event(c.change, c.fact, { ...cursor, seq: c.seq, upTo: null });
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        self.subscribers.delete(deliver);
      }
    }
    return run();
  }

  /** Subscribers following now (all clients). */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Facts of final blocks (at or below `floor`) from `fromBlock` on, after `after`, one page, in block order. */
  private async readFinal(filter: Filter, fromBlock: bigint, floor: bigint, after: Position): Promise<Fact[]> {
    const from = fromBlock.toString();
    const to = floor.toString();
    if (filter.kind === "accrual") {
      const r = this.t.rewardAccrual;
      const rows = await this.db
        .select()
        .from(r)
        .where(and(eq(r.account, filter.account as `0x${string}`), gte(r.blockNumber, BigInt(from)), lte(r.blockNumber, BigInt(to)), sql`(${r.blockNumber}, ${r.logIndex}) > (${after.blockNumber.toString()}, ${after.logIndex})`))
        .orderBy(asc(r.blockNumber), asc(r.logIndex))
        .limit(PAGE);
      return rows.map(accrualFact);
    }
    const i = this.t.inference;
    const conds: SQL[] = [gte(i.blockNumber, BigInt(from)) as SQL, lte(i.blockNumber, BigInt(to)) as SQL, sql`(${i.blockNumber}, ${i.logIndex}) > (${after.blockNumber.toString()}, ${after.logIndex})`];
    if (filter.modelId !== undefined) conds.push(eq(i.modelId, filter.modelId) as SQL);
    if (filter.contributionId !== undefined) conds.push(sql`${filter.contributionId.toString()}::numeric = ANY(${i.contributionIds})`);
    if (filter.datanetId !== undefined) conds.push(sql`EXISTS (SELECT 1 FROM ${this.t.attribution} a WHERE a.inference_id = ${i.id} AND a.datanet_id = ${filter.datanetId.toString()})`);
    if (filter.flagged) {
      const rule = filter.flagged.rule;
      conds.push(
        rule === "CONTRIBUTION_NOT_ACCEPTED" ? sql`${i.notAccepted}` : rule === "OUTSIDE_TRAINING_LINEAGE" ? sql`${i.outsideLineage}` : sql.raw(rule === "SPLIT_MISMATCH" ? SPLIT_MISMATCH('"inference"') : FLAGGED('"inference"')),
      );
    }
    const rows = await this.db.select().from(i).where(and(...conds)).orderBy(asc(i.blockNumber), asc(i.logIndex)).limit(PAGE);
    if (rows.length === 0) return [];
    // The rule flags and datanets only matter to the filter, which the SQL applied: not read again.
    return rows.map((row) => inferenceFact(row, [], false));
  }
}

function accrualFact(row: AccrualRow): Fact {
  return { kind: "accrual", key: `a:${row.id}:${row.blockHash}`, position: { blockNumber: row.blockNumber, logIndex: row.logIndex }, blockHash: row.blockHash, row };
}

function inferenceFact(row: InferenceRow, datanetIds: bigint[], splitMismatch: boolean): Fact {
  const rules: Rule[] = [];
  if (row.notAccepted) rules.push("CONTRIBUTION_NOT_ACCEPTED");
  if (row.outsideLineage) rules.push("OUTSIDE_TRAINING_LINEAGE");
  if (splitMismatch) rules.push("SPLIT_MISMATCH");
  return { kind: "inference", key: `i:${row.id}:${row.blockHash}`, position: { blockNumber: row.blockNumber, logIndex: row.logIndex }, blockHash: row.blockHash, row, datanetIds, rules };
}
