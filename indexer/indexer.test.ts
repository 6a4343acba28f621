/**
 * The indexer against a hand-written scenario of edge cases (indexer/scenario.ts), on PGlite and
 * on PostgreSQL: money to the base unit against the chain, verdicts against the scenario's truth,
 * and the same digest from both databases. Then a late start that misses the beginning of the
 * chain: events about unknown things are recorded and flagged, and nothing crashes.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startProtocolChain, type ProtocolChain } from "../contracts/test/protocol.js";
import { allMismatches, type Truth } from "./checks.js";
import { driveEdgeScenario, type ScenarioExpectations } from "./scenario.js";
import { computeDigest, freshDatabase, postgresAvailable, sqlRows, startIndexer, writeDeploymentFile, type DbKind } from "./testkit.js";

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
      const [d1] = await sqlRows<{ accepted_count: number; revoked_count: number; rejected_count: number; pending_count: number }>(
        db.source, `SELECT accepted_count, revoked_count, rejected_count, pending_count FROM $schema."datanet" WHERE id = 1`);
      expect(d1).toEqual({ accepted_count: 1, revoked_count: 1, rejected_count: 1, pending_count: 1 });
      const history = await sqlRows<{ status: number }>(db.source, `SELECT status FROM $schema."contributionStatusChange" WHERE contribution_id = 2 ORDER BY id`);
      expect(history.map((h) => h.status)).toEqual([0, 1, 3]);
      const [run] = await sqlRows<{ recomputed_count: number; claimed_count: number }>(db.source, `SELECT recomputed_count, claimed_count FROM $schema."trainingRun" WHERE model_id = 2 AND version = 1`);
      expect(run).toEqual({ recomputed_count: 1, claimed_count: 5 });
      const edges = await sqlRows<{ kind: string; from_id: string; to_id: string }>(
        db.source, `SELECT kind, from_id, to_id FROM $schema."lineageEdge" WHERE model_id = 2 AND kind IN ('ADAPTS', 'TRAINED_ON') ORDER BY kind, from_id, to_id`);
      // The adapter reached D1 (and D3) through its parent's training, D2 through its own.
      expect(edges).toEqual([
        { kind: "ADAPTS", from_id: "2", to_id: "1" },
        { kind: "TRAINED_ON", from_id: "1", to_id: "1" },
        { kind: "TRAINED_ON", from_id: "1", to_id: "3" },
        { kind: "TRAINED_ON", from_id: "2", to_id: "2" },
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
    const inferences = await sqlRows<{ id: string; clean: boolean; violations: { rule: string }[] }>(db.source, `SELECT id::text, clean, violations FROM $schema."inference" ORDER BY id`);
    expect(inferences.map((i) => i.id)).toEqual(["8", "9"]);
    for (const i of inferences) {
      expect(i.clean).toBe(false);
      expect(i.violations.map((v) => v.rule)).toEqual(["CONTRIBUTION_NOT_ACCEPTED", "OUTSIDE_TRAINING_LINEAGE", "SPLIT_MISMATCH"]);
    }
    const claims = await sqlRows<{ unbacked: boolean }>(db.source, `SELECT unbacked FROM $schema."rewardClaim" ORDER BY id`);
    expect(claims.map((c) => c.unbacked)).toEqual([true, true, true]); // it never saw most of what they claim
  } finally {
    late.cleanup();
    await db.cleanup();
  }
});
