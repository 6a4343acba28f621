/**
 * A short seeded chaos campaign (chaos/campaign.ts): RPC faults throughout, one reorg, one SIGKILL
 * of the live indexer and, where a private PostgreSQL cluster can be made, one database crash;
 * then no row of any table is lost or doubled against a clean index of the final chain, and the
 * digest, the API's totals and every account's claimable (against the chain) agree.
 */
import { describe, expect, test } from "vitest";
import { postgresAvailable } from "../testkit/indexer.js";
import { runCampaign, type Disruption } from "./campaign.js";
import { privateClusterAvailable } from "./pgCluster.js";

const usable = privateClusterAvailable() || (await postgresAvailable());
if (!usable && process.env.CI === "true") throw new Error("the chaos campaign needs PostgreSQL (initdb for a private cluster, or TEST_DATABASE_URL) under CI");

describe.runIf(usable)("a short chaos campaign", () => {
  test("seed 3: faults, a reorg, a kill and a database crash lose and double no row", async () => {
    const plan: Disruption[] = ["reorg", "kill", "dbOutage"];
    const f = await runCampaign({ seed: 3, rounds: plan.length, plan, faultRate: 0.05, slowMs: [200, 1000], dbOutageMs: [2000], killDuringBackfill: false });
    expect(f.rpc.faultsTotal).toBeGreaterThan(0);
    expect(f.reorgs.count).toBe(1);
    expect(f.kills.count).toBeGreaterThanOrEqual(1);
    expect(f.tables.length).toBeGreaterThan(10);
    expect(f.tables.every((t) => t.referenceRows === t.rows)).toBe(true);
    expect({ lost: f.rowsLost, extra: f.rowsExtra }).toEqual({ lost: 0, extra: 0 });
    expect(f.digestEqual).toBe(true);
    expect(f.totalsDiff).toEqual([]);
    expect(f.claimableMismatches).toEqual([]);
    expect(f.accrualSumMismatches).toEqual([]);
    expect(f.indexerExits.causes).toEqual([]);
    // After each round, the digest equals an undisrupted index of the same chain.
    if (f.roundDigests.compared > 0) expect(f.roundDigests).toMatchObject({ compared: plan.length, equal: plan.length, mismatches: [] });
  }, 600_000);
});
