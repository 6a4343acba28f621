import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { encodeFunctionData, type Hex } from "viem";
import { AttributionEngineAbi } from "../abis/index.js";
import { startDevChain, type DevChain } from "../chain/devchain.js";
import { simulate, type Manifest } from "./scenario.js";
import { startLiveActivity } from "./live.js";
import { readProtocolLogs, replay, accrualsMatch, type Replay } from "./replay.js";
import { Rpc } from "./rpc.js";

async function claimableOf(rpc: Rpc, engine: `0x${string}`, accounts: readonly string[]): Promise<Map<string, bigint>> {
  const out = await rpc.batch<Hex>(
    accounts.map((a) => ({ method: "eth_call", params: [{ to: engine, data: encodeFunctionData({ abi: AttributionEngineAbi, functionName: "claimable", args: [a as `0x${string}`] }) }, "latest"] })),
  );
  return new Map(accounts.map((a, i) => [a.toLowerCase(), BigInt(out[i]!)]));
}

describe("after a small scenario", () => {
  let chain: DevChain;
  let rpc: Rpc;
  let manifest: Manifest;
  let r: Replay;

  beforeAll(async () => {
    chain = await startDevChain();
    rpc = new Rpc(chain.rpcUrl);
    manifest = await simulate({ rpcUrl: chain.rpcUrl, deployment: chain.deployment, scale: "small", seed: 1 });
    const logs = await readProtocolLogs(rpc, chain.deployment, 0n, BigInt(manifest.lastBlock));
    r = replay(logs, chain.deployment);
  });
  afterAll(async () => {
    await chain?.stop();
  });

  test("every account's accruals minus claims equal claimable() on the chain, to the base unit", async () => {
    const accounts = [...new Set([...r.balances.keys(), ...manifest.accounts.map((a) => a.toLowerCase())])];
    const onChain = await claimableOf(rpc, chain.deployment.contracts.AttributionEngine.address, accounts);
    const wrong = accounts.filter((a) => (r.balances.get(a) ?? 0n) !== onChain.get(a));
    expect(wrong).toEqual([]);
    expect(accounts.length).toBeGreaterThan(50);
    expect(r.claims.length).toBeGreaterThan(0);
  });

  test("each inference's RewardAccrued amounts add up to its fee", () => {
    expect(r.inferences.length).toBe(manifest.inferences);
    const bad = r.inferences.filter((i) => i.accrued.reduce((s, a) => s + a.amount, 0n) !== i.fee).map((i) => i.inferenceId);
    expect(bad).toEqual([]);
  });

  test("each inference's accruals equal splitFee() recomputed from the events and fee parameters then in force", () => {
    const bad = r.inferences.filter((i) => !accrualsMatch(i.expected, i.accrued)).map((i) => i.inferenceId);
    expect(bad).toEqual([]);
  });

  test("the manifest lists exactly the inferences an auditor replaying the events flags, with the same rules and contributions", () => {
    const flagged = r.inferences
      .filter((i) => i.rules.length > 0)
      .map((i) => ({ outputHash: i.outputHash, inferenceId: String(i.inferenceId), rules: i.rules }));
    const key = (v: { inferenceId: string }) => v.inferenceId;
    const listed = new Map(manifest.violations.map((v) => [key(v), v]));
    const found = new Map(flagged.map((v) => [key(v), v]));
    const differing = [...new Set([...listed.keys(), ...found.keys()])].filter((k) => JSON.stringify(listed.get(k)) !== JSON.stringify(found.get(k)));
    expect(differing.slice(0, 5).map((k) => ({ manifest: listed.get(k), replay: found.get(k) }))).toEqual([]);
    expect(manifest.violations).toEqual(flagged);
    const rules = new Set(manifest.violations.flatMap((v) => v.rules.map((x) => x.rule)));
    expect([...rules].sort()).toEqual(["CONTRIBUTION_NOT_ACCEPTED", "OUTSIDE_TRAINING_LINEAGE"]);
    expect(manifest.violations.length).toBeLessThan(manifest.inferences / 10);
    expect(manifest.attributions).toBe(r.inferences.reduce((s, i) => s + i.contributionIds.length, 0));
  });

  test("training runs marked honest in the manifest are exactly those whose root and count verify", () => {
    expect(manifest.trainingRuns).toEqual(r.trainingRuns.map((t) => ({ modelId: String(t.modelId), version: t.version, honest: t.verified })));
    expect(manifest.trainingRuns.some((t) => !t.honest)).toBe(true);
    expect(manifest.trainingRuns.filter((t) => t.honest).length).toBeGreaterThan(manifest.trainingRuns.length / 2);
  });

  test("the activity has the mess real users make", () => {
    const shares = r.datanets.map((d) => d.ownerShareBps);
    expect(shares).toContain(0);
    expect(shares).toContain(10_000);
    expect(r.datanets.some((d) => d.permissioned) && r.datanets.some((d) => !d.permissioned)).toBe(true);
    const names = r.datanets.map((d) => d.name);
    expect(names).toContain("<img src=x onerror=alert(1)>");
    expect(r.datanets.map((d) => d.metadataURI)).toContain("javascript:alert(1)");
    expect(names.some((n) => n.includes("\u202E"))).toBe(true);
    expect(names.some((n) => n.includes("\u200B"))).toBe(true);
    expect(names.some((n) => n.length >= 1_900)).toBe(true);
    expect(r.models.some((m) => m.parentModelId !== 0n)).toBe(true);
    expect(r.feeChanges.length).toBeGreaterThanOrEqual(3);
    expect(r.claims.some((c) => c.to.toLowerCase() !== c.account.toLowerCase())).toBe(true);
    expect(r.claims.some((c) => c.to.toLowerCase() === c.account.toLowerCase())).toBe(true);
    expect(r.inferences.some((i) => i.fee === 0n)).toBe(true);
    expect(new Set(r.inferences.map((i) => i.method))).toEqual(new Set([1, 2]));
    const sizes = r.inferences.map((i) => i.contributionIds.length);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBeGreaterThan(100);
    expect(manifest.refusedSubmissions).toBeGreaterThan(0);
  });

  test("attributions follow a power law: the top 10% of contributions get most of the citations", () => {
    const counts = new Map<bigint, number>();
    for (const i of r.inferences) for (const c of i.contributionIds) counts.set(c, (counts.get(c) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, Math.ceil(sorted.length / 10)).reduce((s, x) => s + x, 0);
    expect(top / sorted.reduce((s, x) => s + x, 0)).toBeGreaterThan(0.5);
  });

  test("live activity keeps adding clean inferences and balances stay consistent", async () => {
    const engine = chain.deployment.contracts.AttributionEngine.address;
    const count = async () => BigInt(await rpc.call<Hex>("eth_call", [{ to: engine, data: encodeFunctionData({ abi: AttributionEngineAbi, functionName: "inferenceCount" }) }, "latest"]));
    const before = await count();
    const errors: Error[] = [];
    const live = await startLiveActivity({ rpcUrl: chain.rpcUrl, deployment: chain.deployment, seed: 3, perMinute: 1_200, onError: (e) => errors.push(e) });
    const deadline = Date.now() + 15_000;
    while ((await count()) < before + 5n && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    await live.stop();
    expect(errors).toEqual([]);
    expect(await count()).toBeGreaterThanOrEqual(before + 5n);
    const latest = BigInt(await rpc.call<Hex>("eth_blockNumber"));
    const after = replay(await readProtocolLogs(rpc, chain.deployment, 0n, latest), chain.deployment);
    const fresh = after.inferences.filter((i) => i.inferenceId > before);
    expect(fresh.filter((i) => i.rules.length > 0)).toEqual([]);
    const accounts = [...after.balances.keys()];
    const onChain = await claimableOf(rpc, engine, accounts);
    expect(accounts.filter((a) => after.balances.get(a) !== onChain.get(a))).toEqual([]);
  });
});
