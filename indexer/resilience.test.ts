/**
 * The indexer survives what a live chain and a real machine do to it:
 * - a reorg while indexing live (evm_revert to a snapshot, then a different, longer history):
 *   the indexed state then equals a fresh index of the final chain, on PGlite and PostgreSQL;
 * - a SIGKILL mid-scenario on PostgreSQL: after a restart on the same schema, the state equals a
 *   fresh index (no row lost or doubled).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AttributionEngineAbi } from "../abis/index.js";
import { startProtocolChain, type ProtocolChain } from "../contracts/test/protocol.js";
import { accrualSumMismatches, claimableMismatches } from "./checks.js";
import { driveEdgeScenario, driveMoreActivity, type ScenarioExpectations } from "./scenario.js";
import { computeDigest, freshDatabase, postgresAvailable, sqlRows, startIndexer, writeDeploymentFile, type DbKind } from "./testkit.js";

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

/** Indexes the chain as it is now into a new database and returns its digest. */
async function freshDigest(f: Fixture, kind: DbKind, tip: bigint): Promise<string> {
  const db = freshDatabase(kind);
  try {
    const run = await startIndexer({ rpcUrl: f.chain.anvil.rpcUrl, deploymentFile: f.deployment.path, db });
    try {
      await run.waitForBlock(tip);
    } finally {
      await run.stop();
    }
    return (await computeDigest(db.source)).sha256;
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

  test.runIf(available)("after the last blocks are replaced by a different history, the state equals a fresh index of the final chain", async () => {
    const db = freshDatabase(kind);
    try {
      const run = await startIndexer({ rpcUrl: f.chain.anvil.rpcUrl, deploymentFile: f.deployment.path, db });
      let tip: bigint;
      try {
        await run.waitForBlock(f.scenario.blocks.last);
        const snapshot = await f.chain.snapshot();
        const abandoned = await driveMoreActivity(f.chain, 1, 5);
        await run.waitForBlock(abandoned); // the abandoned blocks were indexed
        await f.chain.revert(snapshot);
        tip = await driveMoreActivity(f.chain, 2, 9); // a different, longer history
        expect(tip).toBeGreaterThan(abandoned);
        await run.waitForBlock(tip);
      } finally {
        await run.stop();
      }
      const reorged = await computeDigest(db.source);
      expect(await claimableMismatches(db.source, f.chain.client, f.chain.engine, f.chain.accounts)).toEqual([]);
      expect(await accrualSumMismatches(db.source)).toEqual([]);
      const onChain = await f.chain.client.readContract({ address: f.chain.engine, abi: AttributionEngineAbi, functionName: "inferenceCount" });
      const [{ n } = { n: -1 }] = await sqlRows<{ n: number }>(db.source, `SELECT count(*)::int AS n FROM $schema."inference"`);
      expect(BigInt(n)).toBe(onChain);
      expect(reorged.sha256).toBe(await freshDigest(f, kind, tip));
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
        expect(resumed.sha256).toBe(await freshDigest(f, "postgres", tip));
      } finally {
        await run.stop();
      }
    } finally {
      await db.cleanup();
    }
  });
});
