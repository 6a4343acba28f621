/**
 * The indexer survives what a live chain and a real machine do to it:
 * - a reorg while indexing live (evm_revert to a snapshot, then a different, longer history):
 *   the indexed state then equals a fresh index of the final chain, on PGlite and PostgreSQL, and
 *   so do the API's model lineages, though they were asked (and cached) before the reorg;
 * - a SIGKILL mid-scenario on PostgreSQL: after a restart on the same schema, the state equals a
 *   fresh index (no row lost or doubled).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AttributionEngineAbi, ModelRegistryAbi } from "../abis/index.js";
import * as schema from "../ponder.schema.js";
import { gql } from "../testkit/api.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";
import { accrualSumMismatches, claimableMismatches } from "../testkit/checks.js";
import { declaredTables } from "./digest.js";
import { driveEdgeScenario, driveMoreActivity, type ScenarioExpectations } from "../testkit/edgeScenario.js";
import { computeDigest, freshDatabase, postgresAvailable, sqlRows, startIndexer, writeDeploymentFile, type DbKind } from "../testkit/indexer.js";

const hasPostgres = await postgresAvailable();

interface Fixture {
  chain: ProtocolChain;
  scenario: ScenarioExpectations;
  deployment: ReturnType<typeof writeDeploymentFile>;
}

async function fixture(): Promise<Fixture> {
  const chain = await startProtocolChain();
  const scenario = await driveEdgeScenario(chain);
  return { chain, scenario, deployment: writeDeploymentFile(chain.deployment) };
}

/** Every model's lineage (all layers, recent inferences) as the API at `url` answers it, as JSON per model. */
async function lineages(f: Fixture, url: string): Promise<string[]> {
  const count = await f.chain.client.readContract({ address: f.chain.models, abi: ModelRegistryAbi, functionName: "modelCount" });
  const out: string[] = [];
  for (let m = 1n; m <= count; m++) {
    const r = await gql(url, `{ modelLineage(modelId: "${m}", depth: 8, limit: 5000, recentInferences: 200) { inferenceCount truncated nodes { id kind weight amount foldedCount } edges { from to kind weight amount } } }`);
    expect(r.errors).toBeUndefined();
    out.push(JSON.stringify(r.data));
  }
  return out;
}

/**
 * Waits until every row of the block with hash `hash` is written. Its checkpoint cannot tell (a
 * replacement block at the same height and timestamp has the replaced block's checkpoint), nor can
 * one of its rows: on PGlite, Ponder 0.16 writes a block without a transaction, table by table in
 * ponder.schema.ts order, so a reader can see the block's first tables before its last. The
 * network row, the last table, records the hash of the last block with events.
 */
async function waitForBlockWritten(url: string, hash: string, timeoutMs = 120_000): Promise<void> {
  expect(declaredTables().at(-1), "network must stay the last table of ponder.schema.ts").toBe(schema.network);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await gql<{ networks: { items: { lastEventBlockHash: string }[] } }>(url, `{ networks { items { lastEventBlockHash } } }`);
    if (r.data?.networks.items[0]?.lastEventBlockHash === hash) return;
    if (Date.now() > deadline) throw new Error(`block ${hash} was not written within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Indexes the chain as it is now into a new database: its digest and the API's lineages. */
async function freshIndex(f: Fixture, kind: DbKind, tip: bigint): Promise<{ digest: string; lineages: string[] }> {
  const db = freshDatabase(kind);
  try {
    const run = await startIndexer({ rpcUrl: f.chain.anvil.rpcUrl, deploymentFile: f.deployment.path, db });
    let answers: string[];
    try {
      await run.waitForBlock(tip);
      answers = await lineages(f, run.url);
    } finally {
      await run.stop();
    }
    return { digest: (await computeDigest(db.source)).sha256, lineages: answers };
  } finally {
    await db.cleanup();
  }
}

describe.each([
  ["pglite" as const, true],
  ["postgres" as const, hasPostgres],
])("reorg on %s", (kind, available) => {
  let f: Fixture;
  beforeAll(async () => {
    if (available) f = await fixture();
  });
  afterAll(async () => {
    f?.deployment.cleanup();
    await f?.chain.stop();
  });

  test.runIf(available)("after the last blocks are replaced by a different history, the state and the lineages equal a fresh index of the final chain", async () => {
    const db = freshDatabase(kind);
    try {
      const run = await startIndexer({ rpcUrl: f.chain.anvil.rpcUrl, deploymentFile: f.deployment.path, db });
      let tip: bigint;
      let served: string[];
      try {
        await run.waitForBlock(f.scenario.blocks.last);
        const snapshot = await f.chain.snapshot();
        const abandoned = await driveMoreActivity(f.chain, 1, 5);
        await run.waitForBlock(abandoned); // the abandoned blocks were indexed
        const before = await lineages(f, run.url); // answered (and cached) from the abandoned history
        await f.chain.revert(snapshot);
        tip = await driveMoreActivity(f.chain, 2, 9); // a different, longer history
        expect(tip).toBeGreaterThan(abandoned);
        await run.waitForBlock(tip);
        served = await lineages(f, run.url);
        expect(served).not.toEqual(before);
      } finally {
        await run.stop();
      }
      const reorged = await computeDigest(db.source);
      expect(await claimableMismatches(db.source, f.chain.client, f.chain.engine, f.chain.accounts)).toEqual([]);
      expect(await accrualSumMismatches(db.source)).toEqual([]);
      const onChain = await f.chain.client.readContract({ address: f.chain.engine, abi: AttributionEngineAbi, functionName: "inferenceCount" });
      const [{ n } = { n: -1 }] = await sqlRows<{ n: number }>(db.source, `SELECT count(*)::int AS n FROM $schema."inference"`);
      expect(BigInt(n)).toBe(onChain);
      const fresh = await freshIndex(f, kind, tip);
      expect(reorged.sha256).toBe(fresh.digest);
      expect(served).toEqual(fresh.lineages);
    } finally {
      await db.cleanup();
    }
  });
  test.runIf(available)("a block replaced at the same height and timestamp: the state and the lineages equal a fresh index, and the lineage answered before is not served again", async () => {
    // Ponder's reorg revert leaves its checkpoint alone until the next block, and the replacement
    // block's checkpoint equals the replaced one's (same number and timestamp): the API's answer
    // cache must tell the two apart (api/graphql/dataVersion.ts).
    const db = freshDatabase(kind);
    try {
      const run = await startIndexer({ rpcUrl: f.chain.anvil.rpcUrl, deploymentFile: f.deployment.path, db });
      let served: string[];
      let tip: bigint;
      try {
        await run.waitForBlock(await f.chain.client.getBlockNumber());
        const snapshot = await f.chain.snapshot();
        const replaced = await driveMoreActivity(f.chain, 3, 1);
        const { timestamp } = await f.chain.client.getBlock({ blockNumber: replaced });
        await run.waitForBlock(replaced);
        const before = await lineages(f, run.url);
        await f.chain.revert(snapshot);
        await f.chain.client.request({ method: "evm_setNextBlockTimestamp" as never, params: [Number(timestamp)] as never });
        tip = await driveMoreActivity(f.chain, 4, 1); // another inference, same block number and timestamp
        expect(tip).toBe(replaced);
        const inferenceId = await f.chain.client.readContract({ address: f.chain.engine, abi: AttributionEngineAbi, functionName: "inferenceCount" });
        const { fee } = (await f.chain.client.getContractEvents({ address: f.chain.engine, abi: AttributionEngineAbi, eventName: "InferenceAttributed", fromBlock: tip, toBlock: tip }))[0]!.args as { fee: bigint };
        await waitForBlockWritten(run.url, (await f.chain.client.getBlock({ blockNumber: tip })).hash);
        const r = await gql<{ inference: { fee: string } | null }>(run.url, `{ inference(id: "${inferenceId}") { fee } }`);
        expect(r.data?.inference?.fee).toBe(fee.toString()); // the replacement's inference, not the replaced one's
        served = await lineages(f, run.url);
        expect(served).not.toEqual(before);
      } finally {
        await run.stop();
      }
      const replacedState = await computeDigest(db.source);
      const fresh = await freshIndex(f, kind, tip);
      expect(replacedState.sha256).toBe(fresh.digest);
      expect(served).toEqual(fresh.lineages);
    } finally {
      await db.cleanup();
    }
  });
});

describe.runIf(hasPostgres)("crash on postgres", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(async () => {
    f?.deployment.cleanup();
    await f?.chain.stop();
  });

  test("after a SIGKILL mid-scenario and a restart on the same schema, no row is lost or doubled", async () => {
    const db = freshDatabase("postgres");
    try {
      let run = await startIndexer({ rpcUrl: f.chain.anvil.rpcUrl, deploymentFile: f.deployment.path, db });
      let killedAt = 0n;
      const tip = await driveMoreActivity(f.chain, 3, 30, async (i) => {
        // Let it index part of the new activity, then kill it while more blocks keep arriving.
        if (i === 10) await run.waitForBlock(await f.chain.client.getBlockNumber());
        if (i === 14) {
          killedAt = await f.chain.client.getBlockNumber();
          await run.stop("SIGKILL");
        }
      });
      expect(killedAt).toBeGreaterThan(0n);
      run = await startIndexer({ rpcUrl: f.chain.anvil.rpcUrl, deploymentFile: f.deployment.path, db });
      try {
        await run.waitForBlock(tip);
        const resumed = await computeDigest(db.source);
        expect(await claimableMismatches(db.source, f.chain.client, f.chain.engine, f.chain.accounts)).toEqual([]);
        expect(await accrualSumMismatches(db.source)).toEqual([]);
        const onChain = await f.chain.client.readContract({ address: f.chain.engine, abi: AttributionEngineAbi, functionName: "inferenceCount" });
        const [{ n } = { n: -1 }] = await sqlRows<{ n: number }>(db.source, `SELECT count(*)::int AS n FROM $schema."inference"`);
        expect(BigInt(n)).toBe(onChain);
        expect(resumed.sha256).toBe((await freshIndex(f, "postgres", tip)).digest);
      } finally {
        await run.stop();
      }
    } finally {
      await db.cleanup();
    }
  });
});
