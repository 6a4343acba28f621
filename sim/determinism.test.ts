import { describe, expect, test } from "vitest";
import { startDevChain } from "../chain/devchain.js";
import { simulate, type Manifest } from "./scenario.js";
import { eventDigest, readProtocolLogs } from "./replay.js";
import { Rpc } from "./rpc.js";

async function runOnFreshChain(seed: number): Promise<{ manifest: Omit<Manifest, "stats">; digest: string; logs: number }> {
  const chain = await startDevChain();
  try {
    const { stats: _stats, ...manifest } = await simulate({ rpcUrl: chain.rpcUrl, deployment: chain.deployment, scale: "tiny", seed, spanSeconds: 3 * 86_400 });
    const logs = await readProtocolLogs(new Rpc(chain.rpcUrl), chain.deployment, 0n, BigInt(manifest.lastBlock));
    return { manifest, digest: eventDigest(logs), logs: logs.length };
  } finally {
    await chain.stop();
  }
}

describe("determinism", () => {
  test("the same seed on a fresh chain gives the same manifest and the same events; another seed does not", async () => {
    const a = await runOnFreshChain(42);
    const b = await runOnFreshChain(42);
    const c = await runOnFreshChain(43);
    expect(b.manifest).toEqual(a.manifest);
    expect(b.digest).toBe(a.digest);
    expect(a.logs).toBeGreaterThan(1_000);
    expect(c.digest).not.toBe(a.digest);
    expect(c.manifest.violations).not.toEqual(a.manifest.violations);
  });
});

describe("the signed fallback for non-anvil chains", () => {
  test("with locally signed transactions (no impersonation, no evm_mine) the manifest still matches an auditor's replay", async () => {
    const { ANVIL_KEYS } = await import("../chain/anvil.js");
    const { replay } = await import("./replay.js");
    const chain = await startDevChain();
    try {
      const m = await simulate({ rpcUrl: chain.rpcUrl, deployment: chain.deployment, scale: "tiny", seed: 9, mode: "signed", privateKey: ANVIL_KEYS[0] });
      expect(m.stats.mode).toBe("signed");
      const r = replay(await readProtocolLogs(new Rpc(chain.rpcUrl), chain.deployment, 0n, BigInt(m.lastBlock)), chain.deployment);
      expect(r.inferences).toHaveLength(300);
      expect(m.violations).toEqual(r.inferences.filter((i) => i.rules.length).map((i) => ({ outputHash: i.outputHash, inferenceId: String(i.inferenceId), rules: i.rules })));
      expect(m.violations.length).toBeGreaterThan(0);
    } finally {
      await chain.stop();
    }
  }, 420_000); // one block per signed transaction: slow when the whole suite shares two cores
});
