/**
 * Query.freshness against a real indexer: caught up, it names the indexed block with the chain's
 * own hash and no lag; stopped at a block (END_BLOCK) while the chain goes on, it shows the lag in
 * blocks and seconds; with the chain's RPC failing, it says so in lastError.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFaultProxy, type FaultProxy } from "../chain/faultProxy.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";
import { driveEdgeScenario } from "../testkit/edgeScenario.js";
import { freshDatabase, startIndexer, writeDeploymentFile } from "../testkit/indexer.js";
import { gql } from "../testkit/api.js";

interface F {
  freshness: {
    block: { number: string; hash: string | null; timestamp: string } | null;
    finalized: { number: string } | null;
    head: { number: string; hash: string | null; timestamp: string } | null;
    headSeenAt: string | null;
    lagBlocks: string | null;
    lagSeconds: number | null;
    lastError: string | null;
  };
}
const QUERY = `{ freshness { block { number hash timestamp } finalized { number } head { number hash timestamp } headSeenAt lagBlocks lagSeconds lastError } }`;

describe("freshness", () => {
  let chain: ProtocolChain;
  let deployment: ReturnType<typeof writeDeploymentFile>;
  beforeAll(async () => {
    chain = await startProtocolChain();
    await driveEdgeScenario(chain);
    deployment = writeDeploymentFile(chain.deployment);
  });
  afterAll(async () => {
    deployment?.cleanup();
    await chain?.stop();
  });

  test("caught up: the indexed block is the head, with the chain's hash and timestamp, and no lag", async () => {
    const db = freshDatabase("pglite");
    const run = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db });
    try {
      const tip = await chain.client.getBlock();
      await run.waitForBlock(tip.number);
      const r = await gql<F>(run.url, QUERY);
      expect(r.errors).toBeUndefined();
      const f = r.data!.freshness;
      expect(f.block).toEqual({ number: tip.number.toString(), hash: tip.hash, timestamp: tip.timestamp.toString() });
      expect(f.head).toEqual(f.block);
      expect(f.lagBlocks).toBe("0");
      expect(f.lagSeconds).toBe(0);
      expect(f.lastError).toBeNull();
      expect(Number(f.finalized?.number ?? -1)).toBeLessThanOrEqual(Number(tip.number));
      expect(Date.parse(f.headSeenAt!)).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      await run.stop();
      await db.cleanup();
    }
  });

  test("an indexer stopped at a block while the chain goes on: the lag in blocks and seconds", async () => {
    const db = freshDatabase("pglite");
    const end = Number(await chain.client.getBlockNumber());
    const run = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db, endBlock: end });
    try {
      await run.waitForBlock(end);
      await chain.client.request({ method: "evm_increaseTime" as never, params: [300] as never });
      await chain.client.request({ method: "anvil_mine" as never, params: ["0xa"] as never });
      await new Promise((r) => setTimeout(r, 2100)); // the head is read at most every 2 s
      const f = (await gql<F>(run.url, QUERY)).data!.freshness;
      expect(f.block?.number).toBe(String(end));
      expect(f.head?.number).toBe(String(end + 10));
      expect(f.lagBlocks).toBe("10");
      expect(f.lagSeconds).toBeGreaterThanOrEqual(300);
    } finally {
      await run.stop();
      await db.cleanup();
    }
  });

  test("the chain's RPC failing: lastError says so, the indexed block is still named", async () => {
    let proxy: FaultProxy | null = null;
    const db = freshDatabase("pglite");
    proxy = await startFaultProxy({ target: chain.anvil.rpcUrl, seed: 1, rates: {} });
    const run = await startIndexer({ rpcUrl: proxy.url, deploymentFile: deployment.path, db });
    try {
      await run.waitForBlock(await chain.client.getBlockNumber());
      proxy.setRates({ serverError: 1 });
      await new Promise((r) => setTimeout(r, 2100));
      const r = await gql<F>(run.url, QUERY);
      expect(r.errors).toBeUndefined();
      const f = r.data!.freshness;
      expect(f.block).not.toBeNull();
      expect(f.lastError).toMatch(/^reading the chain head failed: /);
    } finally {
      await run.stop();
      await db.cleanup();
      await proxy.close();
    }
  });
});
