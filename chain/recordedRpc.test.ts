/**
 * The recorder (chain/recorder.ts) and the recording's JSON-RPC server (chain/recordedRpc.ts) on
 * the simulator's tiny scenario:
 * - recorded on an anvil that keeps every block (history states pruned), the server answers
 *   blocks, logs, receipts and transactions exactly as that anvil does, forwards eth_call to it,
 *   and Ponder indexes the recording to the same digest as the anvil;
 * - recorded on an anvil that forgets all but its last 4 blocks (`--transaction-block-keeper 4`),
 *   the recording still holds every block, chained by parentHash, with every inference's log.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPublicClient, createWalletClient, encodeFunctionData, http, toEventSelector, type AbiEvent, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { ANVIL_KEYS, mineEmptyBlocks, SETTLE_BLOCKS, startAnvil, type AnvilHandle } from "./anvil.js";
import { deployProtocol } from "./deploy.js";
import type { Deployment } from "./deployment.js";
import { mayMine, startRecorder } from "./recorder.js";
import { logMatches, parseLogFilter, resolveTag, startRecordedRpc, type RecordedRpcServer } from "./recordedRpc.js";
import type { RecordingMeta } from "./recording.js";
import { simulate, type Manifest } from "../sim/index.js";
import { Rpc } from "../sim/rpc.js";
import { eventDigest, readProtocolLogs } from "../sim/replay.js";
import { AttributionEngineAbi } from "../abis/index.js";
import { claimableMismatches } from "../testkit/checks.js";
import { computeDigest, freshDatabase, startIndexer, writeDeploymentFile } from "../testkit/indexer.js";

type Json = Record<string, unknown>;
const call = async (url: string, method: string, params: unknown[] = []): Promise<Json> =>
  (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }) }).then((r) => r.json())) as Json;
const result = async <T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> => {
  const r = await call(url, method, params);
  if (r.error) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.result as T;
};
const INFERENCE_ATTRIBUTED = toEventSelector(AttributionEngineAbi.find((e) => e.type === "event" && e.name === "InferenceAttributed") as AbiEvent);
const hex = (n: number) => "0x" + n.toString(16);

interface Recorded {
  anvil: AnvilHandle;
  dir: string;
  deployment: Deployment;
  manifest: Manifest;
  meta: RecordingMeta;
}

async function recordTiny(anvilArgs: string[], seed: number): Promise<Recorded> {
  const anvil = await startAnvil({ args: ["--chain-id", "31337", ...anvilArgs] });
  const dir = mkdtempSync(join(tmpdir(), "recording-"));
  try {
    const recorder = await startRecorder({ target: anvil.rpcUrl, dir, chainId: 31337 });
    try {
      const transport = http(recorder.url);
      const client = createPublicClient({ transport });
      const wallet = createWalletClient({ account: privateKeyToAccount(ANVIL_KEYS[0]), transport, chain: foundry });
      const deployment = await deployProtocol(wallet, client);
      const manifest = await simulate({ rpcUrl: recorder.url, deployment, scale: "tiny", seed });
      await mineEmptyBlocks(recorder.url, SETTLE_BLOCKS);
      const meta = await recorder.finish();
      return { anvil, dir, deployment, manifest, meta };
    } catch (e) {
      await recorder.close();
      throw e;
    }
  } catch (e) {
    await anvil.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** A tiny scenario recorded from an anvil started with `flags`, served by the recording server. */
async function recordAndServe(flags: string[], seed: number): Promise<{ rec: Recorded; server: RecordedRpcServer }> {
  const rec = await recordTiny(flags, seed);
  return { rec, server: await startRecordedRpc({ dir: rec.dir, stateRpc: rec.anvil.rpcUrl }) };
}

/** Stops what recordAndServe started (either may be missing when its start failed). */
async function closeRecording(rec: Recorded | undefined, server: RecordedRpcServer | undefined): Promise<void> {
  await server?.close();
  await rec?.anvil.stop();
  if (rec) rmSync(rec.dir, { recursive: true, force: true });
}

/** Blocks 0..head as `url` serves them, each numbered in order and naming the one before as its parent; the head's hash. */
async function expectChained(url: string, head: number): Promise<string> {
  let parent: string | null = null;
  for (let n = 0; n <= head; n++) {
    const b = await result<Json>(url, "eth_getBlockByNumber", [hex(n), false]);
    expect(b.number).toBe(hex(n));
    if (parent !== null) expect(b.parentHash, `block ${n}'s parent`).toBe(parent);
    parent = b.hash as string;
  }
  return parent ?? "";
}

describe("pure parts", () => {
  test.each([
    [undefined, 9],
    ["latest", 9],
    ["finalized", 9],
    ["safe", 9],
    ["pending", 9],
    ["earliest", 0],
    ["0x0", 0],
    ["0x7", 7],
    ["0xff", 255],
  ])("block tag %s → %d (head 9)", (tag, n) => expect(resolveTag(tag, 9)).toBe(n));

  test.each([["0x"], ["0x01"], ["12"], [12], ["later"], [null]])("block tag %j is refused", (tag) => expect(() => resolveTag(tag, 9)).toThrow(/invalid block tag/));

  const A = "0x" + "aa".repeat(20);
  const B = "0x" + "bb".repeat(20);
  const T1 = "0x" + "11".repeat(32);
  const T2 = "0x" + "22".repeat(32);
  const T3 = "0x" + "33".repeat(32);
  test.each([
    ["no filter", {}, { address: A, topics: [T1] }, true],
    ["address matches, case-insensitive", { address: A.toUpperCase().replace("0X", "0x") }, { address: A, topics: [T1] }, true],
    ["address differs", { address: B }, { address: A, topics: [T1] }, false],
    ["one of the addresses", { address: [B, A] }, { address: A, topics: [] }, true],
    ["topic0 matches", { topics: [T1] }, { address: A, topics: [T1, T2] }, true],
    ["topic0 differs", { topics: [T2] }, { address: A, topics: [T1, T2] }, false],
    ["null is a wildcard", { topics: [null, T2] }, { address: A, topics: [T1, T2] }, true],
    ["topic1 missing from the log", { topics: [null, T2] }, { address: A, topics: [T1] }, false],
    ["topic0 one of a list", { topics: [[T3, T1]] }, { address: A, topics: [T1] }, true],
    ["topic0 none of a list", { topics: [[T3, T2]] }, { address: A, topics: [T1] }, false],
    ["empty list is a wildcard", { topics: [[]] }, { address: A, topics: [T1] }, true],
  ])("%s", (_name, filter, log, matches) => {
    const f = parseLogFilter({ fromBlock: "0x0", toBlock: "latest", ...filter }, 9, () => undefined)!;
    expect(logMatches(log, f)).toBe(matches);
  });

  test.each([
    [{ fromBlock: "0x5", toBlock: "0x4" }, /after toBlock/],
    [{ blockHash: "0x" + "00".repeat(32), fromBlock: "0x1" }, /excludes/],
    [{ blockHash: "0x" + "00".repeat(32) }, /unknown block/],
    [{ address: "0x12" }, /invalid address/],
    [{ topics: ["0x12"] }, /invalid topic/],
    [{ topics: [null, null, null, null, null] }, /at most 4/],
    [[], /one filter object/],
  ])("filter %j is refused", (filter, message) => expect(() => parseLogFilter(filter, 9, () => undefined)).toThrow(message));

  test("range past the head is cut at the head", () => expect(parseLogFilter({ fromBlock: "0x2", toBlock: "0x99" }, 9, () => undefined)).toMatchObject({ from: 2, to: 9 }));

  test.each([
    [{ method: "evm_mine" }, true],
    [[{ method: "eth_blockNumber" }, { method: "eth_sendTransaction" }], true],
    [{ method: "eth_call" }, false],
    [[{ method: "eth_getBlockByNumber" }], false],
    [null, false],
  ])("may %j mine a block? %s", (body, expected) => expect(mayMine(body)).toBe(expected));
});

describe("recorded from an anvil that keeps its blocks", () => {
  let rec: Recorded;
  let server: RecordedRpcServer;

  beforeAll(async () => {
    ({ rec, server } = await recordAndServe(["--prune-history"], 11));
  }, 300_000);
  afterAll(() => closeRecording(rec, server));

  test("the recording ends at anvil's head and holds the scenario", async () => {
    expect(await result(server.url, "eth_blockNumber")).toBe(await result(rec.anvil.rpcUrl, "eth_blockNumber"));
    expect(await result(server.url, "eth_chainId")).toBe("0x7a69");
    expect(rec.meta.head).toBe(Number(rec.manifest.lastBlock) + SETTLE_BLOCKS);
    expect(rec.meta.logs).toBeGreaterThan(rec.manifest.inferences);
  });

  test("every block, with and without transactions, by number and by hash, is anvil's; blocks chain by parentHash", async () => {
    for (let n = 0; n <= rec.meta.head; n++) {
      for (const full of [false, true]) {
        const mine = await result<Json>(server.url, "eth_getBlockByNumber", [hex(n), full]);
        expect(mine).toEqual(await result(rec.anvil.rpcUrl, "eth_getBlockByNumber", [hex(n), full]));
        expect(await result(server.url, "eth_getBlockByHash", [mine.hash, full])).toEqual(mine);
      }
    }
    await expectChained(server.url, rec.meta.head);
    expect(await result(server.url, "eth_getBlockByNumber", ["latest", false])).toEqual(await result(rec.anvil.rpcUrl, "eth_getBlockByNumber", ["latest", false]));
    expect(await result(server.url, "eth_getBlockByNumber", [hex(rec.meta.head + 1), false])).toBeNull();
    expect(await result(server.url, "eth_getBlockByHash", ["0x" + "ab".repeat(32), false])).toBeNull();
  });

  test("eth_getLogs answers as anvil does, over ranges and filters; each log matches its block", async () => {
    const { AttributionEngine, ModelRegistry } = rec.deployment.contracts;
    const allLogs = await result<Json[]>(rec.anvil.rpcUrl, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", address: AttributionEngine.address }]);
    const topic0 = allLogs[0]!.topics as string[];
    const mid = Math.floor(rec.meta.head / 2);
    const filters: Json[] = [
      { fromBlock: "0x0", toBlock: "latest" },
      { fromBlock: hex(mid), toBlock: hex(mid + 5) },
      { fromBlock: "0x0", toBlock: "latest", address: AttributionEngine.address },
      { fromBlock: "0x0", toBlock: "latest", address: [AttributionEngine.address, ModelRegistry.address] },
      { fromBlock: "0x0", toBlock: "latest", topics: [topic0[0]] },
      { fromBlock: "0x0", toBlock: "latest", address: AttributionEngine.address, topics: [[topic0[0], "0x" + "00".repeat(32)], null] },
      { fromBlock: hex(rec.meta.head - 3), toBlock: "latest" },
    ];
    for (const f of filters) expect(await result(server.url, "eth_getLogs", [f])).toEqual(await result(rec.anvil.rpcUrl, "eth_getLogs", [f]));

    const logs = await result<Json[]>(server.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }]);
    expect(logs.length).toBe(rec.meta.logs);
    const seen = new Set<string>();
    const blocks = new Map<string, Json>();
    for (const l of logs) {
      const key = `${l.blockNumber}:${l.logIndex}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      if (!blocks.has(l.blockNumber as string)) blocks.set(l.blockNumber as string, await result<Json>(server.url, "eth_getBlockByNumber", [l.blockNumber, true]));
      const b = blocks.get(l.blockNumber as string)!;
      expect(l.blockHash).toBe(b.hash);
      const tx = (b.transactions as Json[]).find((t) => t.transactionIndex === l.transactionIndex);
      expect(tx?.hash).toBe(l.transactionHash);
    }
    // One block by hash.
    const b = [...blocks.values()][0]!;
    expect(await result(server.url, "eth_getLogs", [{ blockHash: b.hash }])).toEqual(await result(rec.anvil.rpcUrl, "eth_getLogs", [{ blockHash: b.hash }]));
    // The simulator's own reading of the protocol's logs is the same from either.
    const from = BigInt(rec.manifest.firstBlock), to = BigInt(rec.meta.head);
    expect(eventDigest(await readProtocolLogs(new Rpc(server.url), rec.deployment, from, to, 7n))).toBe(eventDigest(await readProtocolLogs(new Rpc(rec.anvil.rpcUrl), rec.deployment, from, to)));
  });

  test("receipts and transactions by hash and by block are anvil's", async () => {
    const busy = await result<Json>(server.url, "eth_getBlockByNumber", [hex(Number(rec.manifest.firstBlock) + 2), false]);
    const hashes = busy.transactions as string[];
    expect(hashes.length).toBeGreaterThan(1);
    expect(await result(server.url, "eth_getBlockReceipts", [busy.number])).toEqual(await result(rec.anvil.rpcUrl, "eth_getBlockReceipts", [busy.number]));
    expect(await result(server.url, "eth_getBlockReceipts", [busy.hash])).toEqual(await result(rec.anvil.rpcUrl, "eth_getBlockReceipts", [busy.number]));
    for (const h of [hashes[0], hashes.at(-1)]) {
      expect(await result(server.url, "eth_getTransactionReceipt", [h])).toEqual(await result(rec.anvil.rpcUrl, "eth_getTransactionReceipt", [h]));
      expect(await result(server.url, "eth_getTransactionByHash", [h])).toEqual(await result(rec.anvil.rpcUrl, "eth_getTransactionByHash", [h]));
    }
    expect(await result(server.url, "eth_getTransactionReceipt", ["0x" + "cd".repeat(32)])).toBeNull();
    expect(await result(server.url, "eth_getTransactionByBlockNumberAndIndex", [busy.number, "0x1"])).toEqual(await result(rec.anvil.rpcUrl, "eth_getTransactionByHash", [hashes[1]]));
  });

  test("eth_call goes to the state node: every account's claimable matches; unknown methods and bad params are JSON-RPC errors; batches answer in order", async () => {
    const client = createPublicClient({ transport: http(server.url) }) as PublicClient;
    const engine = rec.deployment.contracts.AttributionEngine.address;
    let nonzero = 0;
    for (const account of rec.manifest.accounts) {
      const viaServer = await client.readContract({ address: engine, abi: AttributionEngineAbi, functionName: "claimable", args: [account] });
      const data = encodeFunctionData({ abi: AttributionEngineAbi, functionName: "claimable", args: [account] });
      expect(viaServer).toBe(BigInt(await result<string>(rec.anvil.rpcUrl, "eth_call", [{ to: engine, data }, "latest"])));
      if (viaServer > 0n) nonzero++;
    }
    expect(nonzero).toBeGreaterThan(0);
    expect((await call(server.url, "eth_sendRawTransaction", ["0x00"])).error).toMatchObject({ code: -32601 });
    expect((await call(server.url, "debug_traceBlockByNumber", ["0x1"])).error).toMatchObject({ code: -32601 });
    expect((await call(server.url, "eth_getBlockByNumber", ["soon", false])).error).toMatchObject({ code: -32602 });
    expect((await call(server.url, "eth_getLogs", [{ fromBlock: "0x9", toBlock: "0x1" }])).error).toMatchObject({ code: -32602 });
    const batch = (await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { jsonrpc: "2.0", id: "a", method: "eth_blockNumber", params: [] },
        { jsonrpc: "2.0", id: 2, method: "nope", params: [] },
        { jsonrpc: "2.0", id: 3, method: "eth_getLogs", params: [{ fromBlock: "0x0", toBlock: "0x0" }] },
      ]),
    }).then((r) => r.json())) as Json[];
    expect(batch.map((r) => r.id)).toEqual(["a", 2, 3]);
    expect(batch[0]!.result).toBe(hex(rec.meta.head));
    expect(batch[1]!.error).toMatchObject({ code: -32601 });
    expect(batch[2]!.result).toEqual([]);
    expect((await fetch(server.url, { method: "POST", body: "{not json" }).then((r) => r.json())) as Json).toMatchObject({ error: { code: -32700 } });
  });

  test("Ponder indexes the recording to the same digest as the anvil; claimable matches through the recording server", async () => {
    const deploymentFile = writeDeploymentFile(rec.deployment);
    const digests: string[] = [];
    const before = server.calls();
    try {
      for (const rpcUrl of [rec.anvil.rpcUrl, server.url]) {
        const db = freshDatabase("pglite");
        try {
          const run = await startIndexer({ rpcUrl, deploymentFile: deploymentFile.path, db, logLevel: process.env.RECORDED_RPC_LOG ? "debug" : undefined });
          const t = performance.now();
          try {
            await run.waitForBlock(rec.meta.head);
            console.log(`indexed from ${rpcUrl === server.url ? "the recording" : "anvil"} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
          } catch (e) {
            if (process.env.RECORDED_RPC_LOG) console.log(run.output());
            throw e;
          } finally {
            await run.stop();
          }
          if (rpcUrl === server.url) {
            const client = createPublicClient({ transport: http(server.url) }) as PublicClient;
            expect(await claimableMismatches(db.source, client, rec.deployment.contracts.AttributionEngine.address, rec.manifest.accounts)).toEqual([]);
          }
          const d = await computeDigest(db.source);
          expect(d.checkpointBlock).toBe(rec.meta.head);
          digests.push(d.sha256);
        } finally {
          await db.cleanup();
        }
      }
    } finally {
      deploymentFile.cleanup();
    }
    expect(digests[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(digests[1]).toBe(digests[0]);
    // What Ponder asked of the recording.
    // What Ponder asked of the recording (this test's own claimable reads included: eth_call).
    const asked = Object.fromEntries(Object.entries(server.calls()).map(([m, c]) => [m, { calls: c.calls - (before[m]?.calls ?? 0), ms: c.ms - (before[m]?.ms ?? 0) }]).filter(([, c]) => (c as { calls: number }).calls > 0));
    expect(asked.eth_getLogs?.calls).toBeGreaterThan(0);
    console.log("what the indexer (and this test's eth_call) asked of the recording:", JSON.stringify(asked));
  }, 480_000);
});

describe("recorded from an anvil that forgets old blocks", () => {
  let rec: Recorded;
  let server: RecordedRpcServer;

  beforeAll(async () => {
    ({ rec, server } = await recordAndServe(["--prune-history", "--transaction-block-keeper", "4"], 12));
  }, 300_000);
  afterAll(() => closeRecording(rec, server));

  test("anvil no longer has the scenario's blocks; the recording has every one, chained, with every inference", async () => {
    const first = hex(Number(rec.manifest.firstBlock));
    const scenarioBlock = await result<Json>(server.url, "eth_getBlockByNumber", [first, false]);
    expect((scenarioBlock.transactions as string[]).length).toBeGreaterThan(0);
    // anvil kept the block's header but dropped its receipts.
    expect(await result<Json[] | null>(rec.anvil.rpcUrl, "eth_getBlockReceipts", [first])).toEqual([]);
    expect(rec.meta.blocks).toBe(rec.meta.head + 1);
    const tip = await expectChained(server.url, rec.meta.head);
    expect(tip).toBe((await result<Json>(rec.anvil.rpcUrl, "eth_getBlockByNumber", ["latest", false])).hash);
    const logs = await readProtocolLogs(new Rpc(server.url), rec.deployment, 0n, BigInt(rec.meta.head));
    const attributed = logs.filter((l) => l.address.toLowerCase() === rec.deployment.contracts.AttributionEngine.address.toLowerCase() && l.topics[0] === INFERENCE_ATTRIBUTED).length;
    expect(attributed).toBe(rec.manifest.inferences);
    const receipts = await result<Json[]>(server.url, "eth_getBlockReceipts", [first]);
    expect(receipts.length).toBe((scenarioBlock.transactions as string[]).length);
    expect(receipts.every((r) => r.status === "0x1")).toBe(true);
  });
});
