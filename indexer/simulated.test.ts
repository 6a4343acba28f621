/**
 * The indexer against the simulator's "tiny" scenario (sim/), on PGlite and PostgreSQL: every
 * account's claimable equals the chain's, accruals add up to fees, contributors' per-contribution
 * earnings add up to their contributor accruals, training runs are verified exactly when the
 * simulator was honest, and exactly the planted inferences are flagged, with their rules and
 * contributions. Both databases end with the same digest.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPublicClient, http, type PublicClient } from "viem";
import { startDevChain, type DevChain } from "../chain/devchain.js";
import { simulate, type Manifest } from "../sim/index.js";
import { allMismatches, type Truth } from "../testkit/checks.js";
import { computeDigest, freshDatabase, postgresAvailable, startIndexer, writeDeploymentFile, type DbKind } from "../testkit/indexer.js";

const hasPostgres = await postgresAvailable();
let chain: DevChain;
let manifest: Manifest;
let client: PublicClient;
let deploymentFile: ReturnType<typeof writeDeploymentFile>;
const digests = new Map<DbKind, string>();

beforeAll(async () => {
  chain = await startDevChain();
  manifest = await simulate({ rpcUrl: chain.rpcUrl, deployment: chain.deployment, scale: "tiny", seed: 11 });
  client = createPublicClient({ transport: http(chain.rpcUrl) }) as PublicClient;
  deploymentFile = writeDeploymentFile(chain.deployment);
});

afterAll(async () => {
  deploymentFile?.cleanup();
  await chain?.stop();
});

function truth(m: Manifest): Truth {
  return {
    verdicts: new Map(m.violations.map((v) => [BigInt(v.inferenceId), v.rules.map((r) => ({ rule: r.rule, contributionIds: r.contributionIds.map(BigInt) }))])),
    othersClean: true,
    trainingRuns: m.trainingRuns.map((r) => ({ modelId: BigInt(r.modelId), version: r.version, honest: r.honest })),
    accounts: m.accounts,
  };
}

describe.each([
  ["pglite" as const, true],
  ["postgres" as const, hasPostgres],
])("simulated scenario on %s", (kind, available) => {
  test.runIf(available)("money, training verdicts and audit verdicts match the chain and the manifest", async () => {
    expect(manifest.violations.length).toBeGreaterThan(0);
    expect(manifest.trainingRuns.some((r) => !r.honest)).toBe(true);
    const db = freshDatabase(kind);
    try {
      const run = await startIndexer({ rpcUrl: chain.rpcUrl, deploymentFile: deploymentFile.path, db });
      try {
        await run.waitForBlock(BigInt(manifest.lastBlock));
      } finally {
        await run.stop();
      }
      expect(await allMismatches(db.source, client, chain.deployment.contracts.AttributionEngine.address, truth(manifest))).toEqual([]);
      digests.set(kind, (await computeDigest(db.source)).sha256);
    } finally {
      await db.cleanup();
    }
  });
});

test.runIf(hasPostgres)("PGlite and PostgreSQL index the simulated scenario to the same digest", () => {
  expect(digests.get("pglite")).toMatch(/^[0-9a-f]{64}$/);
  expect(digests.get("postgres")).toBe(digests.get("pglite"));
});
