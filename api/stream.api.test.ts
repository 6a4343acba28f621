/**
 * Live subscriptions over GraphQL-over-SSE against a real indexer and chain: a subscriber that
 * disconnects mid-stream (in the backlog, then among live events), while more blocks and a reorg
 * are mined, and reconnects from its cursor ends up with exactly the canonical chain's events (read
 * from the chain's own logs), none missing, none doubled, the reorged-away ones retracted. Also
 * the limits: subscriptions per client, bad and expired cursors.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Address } from "viem";
import { AttributionEngineAbi } from "../abis/index.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";
import { driveEdgeScenario, driveMoreActivity } from "../testkit/edgeScenario.js";
import { indexChain, type IndexedChain, type IndexerRun, postgresAvailable } from "../testkit/indexer.js";
import { mineEmptyBlocks } from "../chain/anvil.js";
import { gql, openEventStream } from "../testkit/api.js";

const kind = (await postgresAvailable()) ? "postgres" : "pglite";
const MAX_PER_CLIENT = 4;
/** The server's cap on all subscriptions together, and the header that names a client (as a trusted proxy would). */
const MAX_TOTAL = 10;
const CLIENT_HEADER = "x-test-client";
/** Above Ponder's finality on the devnet (30 blocks). */
const REORG_DEPTH = 32;

const INFERENCES = `subscription S($after: String, $from: BigInt) { inferences(fromBlock: $from, after: $after) { change cursor blockNumber blockHash logIndex inference { id fee } } }`;
const ACCRUALS = `subscription A($a: String!, $after: String, $from: BigInt) { accruals(account: $a, fromBlock: $from, after: $after) { change cursor blockNumber blockHash logIndex accrual { inferenceId account role amount } } }`;

interface Ev {
  change: "ADDED" | "RETRACTED";
  cursor: string;
  blockNumber: string;
  blockHash: string;
  logIndex: number;
  inference?: { id: string };
  accrual?: { inferenceId: string; account: string };
}

/** What a client keeps: events by (block hash, log index), with every inconsistency noted. */
class Seen {
  state = new Map<string, Ev>();
  retracted = 0;
  received = 0;
  problems: string[] = [];
  cursor: string | undefined;
  apply(ev: Ev) {
    const key = `${ev.blockHash}:${ev.logIndex}`;
    this.received++;
    if (ev.change === "ADDED") {
      if (this.state.has(key)) this.problems.push(`event ${key} added twice`);
      this.state.set(key, ev);
    } else {
      if (!this.state.has(key)) this.problems.push(`retraction of ${key}, never added`);
      this.state.delete(key);
      this.retracted++;
    }
    this.cursor = ev.cursor;
  }
  list() {
    return [...this.state.values()].map((e) => ({ blockNumber: BigInt(e.blockNumber), blockHash: e.blockHash, logIndex: e.logIndex, id: e.inference?.id ?? e.accrual?.inferenceId })).sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
  }
}

type Stream = Awaited<ReturnType<typeof openEventStream>>;

describe(`live subscriptions (${kind})`, () => {
  let chain: ProtocolChain;
  let run: IndexerRun;
  let indexed: IndexedChain | undefined;
  let alice: Address;

  beforeAll(async () => {
    chain = await startProtocolChain();
    await driveEdgeScenario(chain);
    alice = chain.accounts[3]!.toLowerCase() as Address;
    indexed = await indexChain(chain, kind, { API_STREAM_MAX_PER_CLIENT: String(MAX_PER_CLIENT), API_STREAM_MAX_SUBSCRIPTIONS: String(MAX_TOTAL), API_STREAM_CLIENT_HEADER: CLIENT_HEADER, API_STREAM_POLL_MS: "100", API_STREAM_REORG_DEPTH: String(REORG_DEPTH) });
    run = indexed.run;
  }, 300_000);
  afterAll(async () => {
    await indexed?.stop();
    await chain?.stop();
  });

  /** The chain's own logs: every inference, and every accrual to alice, on the canonical chain now. */
  async function canonical() {
    const toRow = (l: { blockNumber: bigint; blockHash: string; logIndex: number; args: { inferenceId?: bigint } }) => ({ blockNumber: l.blockNumber, blockHash: l.blockHash, logIndex: l.logIndex, id: l.args.inferenceId?.toString() });
    const inferences = await chain.client.getContractEvents({ address: chain.engine, abi: AttributionEngineAbi, eventName: "InferenceAttributed", fromBlock: 0n });
    const accruals = await chain.client.getContractEvents({ address: chain.engine, abi: AttributionEngineAbi, eventName: "RewardAccrued", fromBlock: 0n });
    return {
      inferences: inferences.map((l) => toRow(l as never)),
      accruals: accruals.filter((l) => (l.args as { account: string }).account.toLowerCase() === alice).map((l) => toRow(l as never)),
    };
  }

  async function read(stream: Stream, seen: Seen, field: string, until: () => boolean, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (!until()) {
      const m = await stream.next(Math.max(1, deadline - Date.now()));
      if (m.event === "complete") throw new Error(`the ${field} stream ended early`);
      if (m.data.errors) throw new Error(`the ${field} stream sent errors: ${JSON.stringify(m.data.errors)}`);
      seen.apply(m.data.data![field] as Ev);
    }
  }

  test("a subscriber that drops out mid-stream, while blocks and a reorg are mined, resumes from its cursor with exactly the canonical chain's events", async () => {
    const subs = [
      { field: "inferences", query: INFERENCES, vars: {} as Record<string, unknown>, seen: new Seen(), pick: (c: Awaited<ReturnType<typeof canonical>>) => c.inferences },
      { field: "accruals", query: ACCRUALS, vars: { a: alice } as Record<string, unknown>, seen: new Seen(), pick: (c: Awaited<ReturnType<typeof canonical>>) => c.accruals },
    ];
    const before = await canonical();
    expect(before.inferences.length).toBeGreaterThan(5);
    expect(before.accruals.length).toBeGreaterThan(2);

    // 1. From block 0; drop out after two events of the backlog.
    for (const s of subs) {
      const stream = await openEventStream(run.url, s.query, { ...s.vars, from: "0" });
      await read(stream, s.seen, s.field, () => s.seen.received >= 2);
      stream.close();
    }
    // 2. Resume; catch up; live events arrive; drop out after one of them (in a block a reorg will remove).
    const snapshot = await chain.snapshot();
    const streams: Stream[] = [];
    for (const s of subs) {
      const stream = await openEventStream(run.url, s.query, { ...s.vars, after: s.seen.cursor });
      await read(stream, s.seen, s.field, () => s.seen.state.size === s.pick(before).length);
      expect(s.seen.list()).toEqual(s.pick(before));
      streams.push(stream);
    }
    const abandoned = await driveMoreActivity(chain, 2, 4);
    await run.waitForBlock(abandoned);
    for (const [k, s] of subs.entries()) {
      const live = s.pick(before).length;
      await read(streams[k]!, s.seen, s.field, () => s.seen.state.size >= live + 1);
      streams[k]!.close();
    }
    // 3. While away: the abandoned blocks are replaced by a longer history, and more blocks come.
    await chain.revert(snapshot);
    const tip = await driveMoreActivity(chain, 3, 6);
    await run.waitForBlock(tip);
    const after = await canonical();
    // 4. Resume from the cursor: the events seen are the canonical chain's.
    for (const s of subs) {
      const stream = await openEventStream(run.url, s.query, { ...s.vars, after: s.seen.cursor });
      const want = JSON.stringify(s.pick(after), (_k, v) => (typeof v === "bigint" ? v.toString() : v));
      await read(stream, s.seen, s.field, () => JSON.stringify(s.seen.list(), (_k, v) => (typeof v === "bigint" ? v.toString() : v)) === want, 90_000).catch((e) => {
        throw new Error(`${s.field}: ${e.message}; seen ${s.seen.state.size} events, the chain has ${s.pick(after).length}`);
      });
      stream.close();
      expect(s.seen.problems, s.field).toEqual([]);
      expect(s.seen.list(), s.field).toEqual(s.pick(after));
      expect(s.seen.retracted, `${s.field}: the events seen in the abandoned blocks were retracted`).toBeGreaterThanOrEqual(1);
    }
  }, 300_000);

  test("subscriptions are capped per client, and a bad or foreign cursor is refused with a message", async () => {
    // Each test names its clients (CLIENT_HEADER), so streams another test closed but the server has not yet
    // seen go (a disconnect is noticed asynchronously) are never counted against this one.
    const me = { [CLIENT_HEADER]: "per-client" };
    const open: Stream[] = [];
    for (let i = 0; i < MAX_PER_CLIENT; i++) {
      const s = await openEventStream(run.url, INFERENCES, {}, me);
      expect(s.refused).toBeUndefined();
      open.push(s);
    }
    const over = await openEventStream(run.url, INFERENCES, {}, me);
    expect(over.refused?.status).toBe(429);
    expect(over.refused?.body.errors?.[0]?.extensions?.code).toBe("TOO_MANY_SUBSCRIPTIONS");
    expect(over.refused?.body.errors?.[0]?.message).toMatch(/close one/);
    open.pop()!.close();
    let again: Stream | undefined;
    for (let i = 0; i < 50 && !again; i++) {
      const s = await openEventStream(run.url, INFERENCES, {}, me);
      if (s.refused) await new Promise((r) => setTimeout(r, 100));
      else again = s;
    }
    expect(again, "a slot frees when a client disconnects").toBeDefined();
    again!.close();
    for (const s of open) s.close();

    const other = { [CLIENT_HEADER]: "cursors" };
    const bad = await openEventStream(run.url, INFERENCES, { after: "not-a-cursor" }, other);
    expect(bad.refused?.status).toBe(400);
    expect(bad.refused?.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const foreign = await openEventStream(run.url, INFERENCES, { after: "c1:000000000000:0:1:" }, other);
    expect(foreign.refused?.body.errors?.[0]?.extensions?.code).toBe("CURSOR_EXPIRED");
    const asQuery = await fetch(`${run.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: INFERENCES }) });
    expect(asQuery.status).toBe(400);
    expect(((await asQuery.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/text\/event-stream/);
  }, 120_000);

  test("subscriptions are capped in total: past the limit any client is refused with 503 until one closes", async () => {
    const as = (client: string) => ({ [CLIENT_HEADER]: client });
    const open: Stream[] = [];
    // Three clients, each within its own limit, fill the server's.
    for (const [client, n] of [["a", MAX_PER_CLIENT], ["b", MAX_PER_CLIENT], ["c", MAX_TOTAL - 2 * MAX_PER_CLIENT]] as const) {
      for (let i = 0; i < n; i++) {
        // Streams the test before closed hold their slots until the server notices: wait for them to go.
        let s = await openEventStream(run.url, INFERENCES, {}, as(client));
        for (let tries = 0; s.refused?.status === 503 && tries < 50; tries++) {
          await new Promise((r) => setTimeout(r, 100));
          s = await openEventStream(run.url, INFERENCES, {}, as(client));
        }
        expect(s.refused, `${client} #${i + 1}`).toBeUndefined();
        open.push(s);
      }
    }
    const over = await openEventStream(run.url, INFERENCES, {}, as("d"));
    expect(over.refused?.status).toBe(503);
    expect(over.refused?.body.errors?.[0]?.extensions).toMatchObject({ code: "TOO_MANY_SUBSCRIPTIONS", limit: "maxTotal" });
    expect(over.refused?.body.errors?.[0]?.message).toMatch(/try again later/);
    open.shift()!.close();
    let again: Stream | undefined;
    for (let i = 0; i < 50 && !again; i++) {
      const s = await openEventStream(run.url, INFERENCES, {}, as("d"));
      if (s.refused) await new Promise((r) => setTimeout(r, 100));
      else again = s;
    }
    expect(again, "a slot frees when any subscriber disconnects").toBeDefined();
    again?.close();
    for (const s of open) s.close();
  }, 120_000);

  test("with finalizedOnly each event comes once its block is final, never retracted; flaggedInferences follows the audit", async () => {
    const fin = new Seen();
    const finStream = await openEventStream(run.url, `subscription { inferences(fromBlock: "0", finalizedOnly: true) { change cursor blockNumber blockHash logIndex inference { id } } }`);
    const live = new Seen();
    const liveStream = await openEventStream(run.url, `subscription { inferences(finalizedOnly: true) { change cursor blockNumber blockHash logIndex inference { id } } }`);
    const tip = await driveMoreActivity(chain, 4, 2);
    await run.waitForBlock(tip);
    await mineEmptyBlocks(chain.anvil.rpcUrl, REORG_DEPTH + 2);
    const c = await canonical();
    const ids = (list: { id?: string }[]) => list.map((x) => x.id);
    await read(finStream, fin, "inferences", () => fin.state.size === c.inferences.length);
    expect(fin.list()).toEqual(c.inferences);
    expect(fin.retracted).toBe(0);
    // Without fromBlock: every event of the blocks that become final from now on, the new ones last.
    const last = c.inferences[c.inferences.length - 1]!.id;
    await read(liveStream, live, "inferences", () => live.list().at(-1)?.id === last);
    expect(live.state.size).toBeGreaterThanOrEqual(2);
    expect(live.list()).toEqual(c.inferences.slice(-live.state.size));
    expect(live.retracted).toBe(0);
    finStream.close();
    liveStream.close();

    for (const rule of ["OUTSIDE_TRAINING_LINEAGE", "CONTRIBUTION_NOT_ACCEPTED", null]) {
      const audit = await gql<{ auditInferences: { totalCount: number; items: { id: string }[] } }>(run.url, `query Q($r: AuditRule) { auditInferences(rule: $r, limit: 500) { totalCount items { id } } }`, { r: rule });
      const want = audit.data!.auditInferences.items.map((x) => x.id).sort();
      expect(want.length, `the scenario has inferences flagged ${rule ?? "by any rule"}`).toBeGreaterThan(0);
      const seen = new Seen();
      const stream = await openEventStream(run.url, `subscription F($r: AuditRule) { flaggedInferences(rule: $r, fromBlock: "0") { change cursor blockNumber blockHash logIndex inference { id } } }`, { r: rule });
      await read(stream, seen, "flaggedInferences", () => seen.state.size >= want.length);
      stream.close();
      expect(ids(seen.list()).sort(), rule ?? "any rule").toEqual(want);
    }
  }, 180_000);
});
