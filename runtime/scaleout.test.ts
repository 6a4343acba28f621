/**
 * Scale-out the way Ponder does it: one `ponder start` indexer and `ponder serve` replicas on the
 * same PostgreSQL schema. Every replica must give the same answers as the indexer.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPublicClient, http } from "viem";
import { createWalletClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ANVIL_KEYS, freePort, startAnvil, type AnvilHandle } from "../chain/anvil.js";
import { deployProtocol } from "../chain/deploy.js";
import { simulate, type Manifest } from "../sim/index.js";
import { freshDatabase, postgresAvailable, startIndexer, writeDeploymentFile, type IndexerRun, type TestDatabase } from "../testkit/indexer.js";
import { spawnPonder, type PonderHandle } from "./ponder.js";
import { AttributionEngineAbi } from "../abis/index.js";

const QUERIES = [
  `{ network { inferences datanets models accounts totalFees totalClaimed flaggedInferences unverifiedTrainingRuns } }`,
  `{ topEarners(limit: 5) { address accrued claimed claimable } }`,
  `{ inference(id: "1") { id fee payer clean violations { rule contributionIds } attributions { contributionId weightPpm share ownerCut contributorCut } } }`,
  `{ trainingRun(modelId: "1", version: 1) { verified claimedRoot recomputedRoot claimedCount recomputedCount } }`,
  `{ modelLineage(modelId: "1", limit: 50) { nodes { id kind weightPpm amount } edges { from to kind weightPpm amount } } }`,
];

async function gql(url: string, query: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  return res.json();
}

const pgUp = await postgresAvailable();
if (!pgUp && process.env.CI) throw new Error("PostgreSQL is required on CI (127.0.0.1:5432)");

describe.skipIf(!pgUp)("one indexer and two ponder serve replicas on one PostgreSQL schema", () => {
  let anvil: AnvilHandle;
  let db: TestDatabase;
  let deploymentFile: { path: string; cleanup(): void };
  let indexer: IndexerRun;
  let replicas: PonderHandle[] = [];
  let manifest: Manifest;
  let engine: `0x${string}`;

  beforeAll(async () => {
    anvil = await startAnvil();
    const transport = http(anvil.rpcUrl);
    const deployment = await deployProtocol(createWalletClient({ account: privateKeyToAccount(ANVIL_KEYS[0]), transport }), createPublicClient({ transport }));
    engine = deployment.contracts.AttributionEngine.address;
    manifest = await simulate({ rpcUrl: anvil.rpcUrl, deployment, scale: "tiny", seed: 7 });
    deploymentFile = writeDeploymentFile(deployment);
    db = freshDatabase("postgres");
    indexer = await startIndexer({ rpcUrl: anvil.rpcUrl, deploymentFile: deploymentFile.path, db });
    await indexer.waitForBlock(BigInt(manifest.lastBlock));
    const env = { RPC_URL: anvil.rpcUrl, CHAIN_ID: "31337", DEPLOYMENT_FILE: deploymentFile.path, ...db.env };
    replicas = await Promise.all([0, 1].map(async () => spawnPonder({ command: "serve", port: await freePort(), schema: db.source.schema, env })));
    await Promise.all(replicas.map((r) => r.waitReady(120_000)));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await indexer?.stop();
    await db?.cleanup();
    deploymentFile?.cleanup();
    await anvil?.stop();
  });

  test.each(QUERIES.map((q) => [q]))("answers %s identically", async (query) => {
    const answers = await Promise.all([indexer, ...replicas].map((p) => gql(p.url, query)));
    expect(answers[0]).not.toHaveProperty("errors");
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  test("every replica reports the chain's claimable for every account", async () => {
    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    for (const address of manifest.accounts.slice(0, 10)) {
      const onChain = await client.readContract({ address: engine, abi: AttributionEngineAbi, functionName: "claimable", args: [address] });
      for (const p of [indexer, ...replicas]) {
        const res = (await gql(p.url, `{ account(address: "${address}") { claimable } }`)) as { data: { account: { claimable: string } } };
        expect(BigInt(res.data.account.claimable)).toBe(onChain);
      }
    }
  });

  test("replicas serve the explorer too", async () => {
    for (const r of replicas) {
      const res = await fetch(`${r.url}/model/1`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("<div id=\"root\">");
    }
  });
});
