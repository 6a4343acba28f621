/**
 * The indexer against a hand-written scenario of edge cases (testkit/edgeScenario.ts), on PGlite and
 * on PostgreSQL: money to the base unit against the chain, verdicts against the scenario's truth,
 * and the same digest from both databases. Then a late start that misses the beginning of the
 * chain: events about unknown things are recorded and flagged, and nothing crashes.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";
import { allMismatches, indexedVerdicts, type Truth } from "../testkit/checks.js";
import { driveEdgeScenario, type ScenarioExpectations } from "../testkit/edgeScenario.js";
import { computeDigest, freshDatabase, postgresAvailable, sqlRows, startIndexer, writeDeploymentFile, type DbKind } from "../testkit/indexer.js";

let chain: ProtocolChain;
let scenario: ScenarioExpectations;
let deploymentFile: ReturnType<typeof writeDeploymentFile>;
const digests = new Map<DbKind, string>();
const hasPostgres = await postgresAvailable();

beforeAll(async () => {
  chain = await startProtocolChain();
  scenario = await driveEdgeScenario(chain);
  deploymentFile = writeDeploymentFile(chain.deployment);
});

afterAll(async () => {
  deploymentFile?.cleanup();
  await chain?.stop();
});

const truth = (): Truth => ({ verdicts: scenario.verdicts, othersClean: true, trainingRuns: scenario.trainingRuns, accounts: scenario.accounts });

async function indexScenario(kind: DbKind) {
  const db = freshDatabase(kind);
  const run = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deploymentFile.path, db });
  try {
    await run.waitForBlock(scenario.blocks.last);
  } finally {
    await run.stop(); // PGlite can only be read once ponder has let go of it
  }
  return db;
}

describe.each([
  ["pglite" as const, true],
  ["postgres" as const, hasPostgres],
])("on %s", (kind, available) => {
  test.runIf(available)("every account's claimable, every accrual, contributor earnings, training verdict and audit verdict match", async () => {
    const db = await indexScenario(kind);
    try {
      expect(await allMismatches(db.source, chain.client, chain.engine, truth())).toEqual([]);

      // A few facts a user would look up, by hand.
      const d1 = await sqlRows<{ status: number; n: number }>(db.source, `SELECT status, count(*)::int AS n FROM $schema."contribution" WHERE datanet_id = 1 GROUP BY status ORDER BY status`);
      expect(d1).toEqual([{ status: 0, n: 1 }, { status: 1, n: 1 }, { status: 2, n: 1 }, { status: 3, n: 1 }]);
      const history = await sqlRows<{ status: number }>(db.source, `SELECT status FROM $schema."contributionStatusChange" WHERE contribution_id = 2 ORDER BY id`);
      expect(history.map((h) => h.status)).toEqual([0, 1, 3]);
      const [run] = await sqlRows<{ recomputed_count: number; claimed_count: number }>(db.source, `SELECT recomputed_count, claimed_count FROM $schema."trainingRun" WHERE model_id = 2 AND version = 1`);
      expect(run).toEqual({ recomputed_count: 1, claimed_count: 5 });
      const trainers = await sqlRows<{ trainer: string; datanet: string }>(
        db.source, `SELECT DISTINCT trainer_model_id::text AS trainer, datanet_id::text AS datanet FROM $schema."attribution" WHERE model_id = 2 ORDER BY 1, 2`);
      // The adapter reached D1 (and D3) through its parent's training, D2 through its own.
      expect(trainers).toEqual([
        { trainer: "1", datanet: "1" },
        { trainer: "1", datanet: "3" },
        { trainer: "2", datanet: "2" },
      ]);
      digests.set(kind, (await computeDigest(db.source)).sha256);
    } finally {
      await db.cleanup();
    }
  });
});

test.runIf(hasPostgres)("PGlite and PostgreSQL end with the same digest", () => {
  expect(digests.get("pglite")).toMatch(/^[0-9a-f]{64}$/);
  expect(digests.get("postgres")).toBe(digests.get("pglite"));
});

test("a late start records and flags events about things it never saw, without crashing", async () => {
  const c = chain.deployment.contracts;
  const registriesStart = Number(scenario.blocks.lastSubmission) + 1;
  const late = writeDeploymentFile({
    ...chain.deployment,
    contracts: {
      ...c,
      DatanetRegistry: { ...c.DatanetRegistry, startBlock: registriesStart },
      ModelRegistry: { ...c.ModelRegistry, startBlock: registriesStart },
      AttributionEngine: { ...c.AttributionEngine, startBlock: Number(scenario.blocks.inference8) },
    },
  });
  const db = freshDatabase("pglite");
  try {
    const run = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: late.path, db });
    try {
      await run.waitForBlock(scenario.blocks.last);
    } finally {
      await run.stop();
    }
    const reviews = await sqlRows<{ n: number }>(db.source, `SELECT count(*)::int AS n FROM $schema."contributionStatusChange" WHERE NOT contribution_known`);
    expect(reviews[0]?.n).toBe(6); // five reviews and one revocation of contributions it never saw
    const runs = await sqlRows<{ version: number; model_id: string; verified: boolean; unknown: string }>(
      db.source, `SELECT model_id::text, version, verified, unknown_datanet_ids::text AS unknown FROM $schema."trainingRun" ORDER BY model_id, version`);
    expect(runs.find((r) => r.model_id === "1" && r.version === 1)).toMatchObject({ verified: false, unknown: "{1}" });
    const verdicts = await indexedVerdicts(db.source);
    expect([...verdicts.keys()]).toEqual(["8", "9"]);
    for (const violations of verdicts.values()) {
      expect(violations.map((v) => v.rule)).toEqual(["CONTRIBUTION_NOT_ACCEPTED", "OUTSIDE_TRAINING_LINEAGE", "SPLIT_MISMATCH"]);
    }
    // It never saw most of what the claimants accrued: each claimed more than it saw accrue.
    const claims = await sqlRows<{ claimed: string; accrued: string | null }>(
      db.source,
      `SELECT c.claimed::text, (SELECT sum(a.amount) FROM $schema."rewardAccrual" a WHERE a.account = c.account)::text AS accrued
       FROM (SELECT account, sum(amount) AS claimed FROM $schema."rewardClaim" GROUP BY account) c`);
    expect(claims.length).toBeGreaterThan(0);
    for (const c of claims) expect(BigInt(c.claimed)).toBeGreaterThan(BigInt(c.accrued ?? "0"));
  } finally {
    late.cleanup();
    await db.cleanup();
  }
});
