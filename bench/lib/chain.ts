/**
 * The benchmark chain: a simulated scenario generated once, kept as an anvil state dump under
 * bench/.cache/ and replayed by loading the dump, so every run indexes the very same chain.
 *
 * The dump is keyed by scale, seed, chain id and the hash of the four contracts' bytecode: change a
 * contract and the next run regenerates it. The chain id is 31338, not the devnet's 31337, so that
 * ponder.config.ts leaves Ponder's RPC cache on (it disables it only for 31337, whose devnets are
 * rewritten at will) and the measured runs index "with the RPC cache warm".
 */
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { AttributionEngineBytecode, DatanetRegistryBytecode, ModelRegistryBytecode, OpenTokenBytecode } from "../../abis/index.js";
import { ANVIL_KEYS, startAnvil } from "../../chain/anvil.js";
import { deployProtocol } from "../../chain/deploy.js";
import { parseDeployment, type Deployment } from "../../chain/deployment.js";
import { simulate, type Manifest, type Scale } from "../../sim/index.js";
import { onCleanup } from "./cleanup.js";
import { benchDir } from "./report.js";

export const BENCH_CHAIN_ID = 31338;
export const cacheDir = join(benchDir, ".cache");

/**
 * Empty blocks mined after the scenario: the chain moves on past Ponder's finality depth (30
 * blocks for an unknown chain id), as a live chain does while an indexer catches up on its
 * history. Without them the scenario's last 30 blocks (~26,000 events at medium) would be
 * indexed in Ponder's realtime mode, block by block, after /ready.
 */
export const SETTLED_BLOCKS = 32;

export interface BenchChain {
  key: string;
  scale: Scale;
  seed: number;
  dir: string;
  statePath: string;
  deploymentPath: string;
  deployment: Deployment;
  manifest: Manifest;
  stateBytes: number;
  generatedNow: boolean;
}

export function chainKey(scale: Scale, seed: number): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ scale, seed, chainId: BENCH_CHAIN_ID, settledBlocks: SETTLED_BLOCKS }));
  for (const code of [OpenTokenBytecode, DatanetRegistryBytecode, ModelRegistryBytecode, AttributionEngineBytecode]) h.update(code);
  return h.digest("hex").slice(0, 12);
}

export interface AnvilProcess {
  rpcUrl: string;
  process: ChildProcess;
  /** SIGTERM and wait (anvil writes --dump-state on exit, which takes a while for a big chain). */
  stop(graceMs?: number): Promise<void>;
}

/** anvil (chain/anvil.ts) with the bench chain id, waited for up to `readyMs` (loading a big state dump takes tens of seconds), stopped if the benchmark is interrupted. */
export async function spawnAnvil(args: string[], readyMs = 600_000): Promise<AnvilProcess> {
  let unregister = () => {};
  const anvil = await startAnvil({
    args: ["--chain-id", String(BENCH_CHAIN_ID), ...args],
    readyMs,
    onSpawn: (stop) => (unregister = onCleanup(() => stop(5_000))),
  }).catch((e) => {
    unregister();
    throw e;
  });
  return {
    rpcUrl: anvil.rpcUrl,
    process: anvil.process,
    stop: async (graceMs = 600_000) => {
      await anvil.stop(graceMs);
      unregister();
    },
  };
}

function loadCached(dir: string, key: string, scale: Scale, seed: number): BenchChain | null {
  const statePath = join(dir, "state.json");
  const deploymentPath = join(dir, "deployment.json");
  const manifestPath = join(dir, "manifest.json");
  if (![statePath, deploymentPath, manifestPath].every((p) => existsSync(p))) return null;
  const parsed = parseDeployment(readFileSync(deploymentPath, "utf8"), deploymentPath);
  if (!parsed.ok) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  return { key, scale, seed, dir, statePath, deploymentPath, deployment: parsed.deployment, manifest, stateBytes: statSync(statePath).size, generatedNow: false };
}

/** The cached chain for (scale, seed, bytecode), generating and dumping it first when missing. */
export async function ensureChain(scale: Scale, seed: number, log: (s: string) => void = console.log): Promise<BenchChain> {
  const key = chainKey(scale, seed);
  const dir = join(cacheDir, `chain-${scale}-seed${seed}-${key}`);
  const cached = loadCached(dir, key, scale, seed);
  if (cached) return cached;

  log(`generating the ${scale} scenario (seed ${seed}) once; it is kept in ${dir}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const anvil = await spawnAnvil(["--dump-state", join(tmp, "state.json")], 30_000);
  try {
    const transport = http(anvil.rpcUrl);
    const client = createPublicClient({ transport });
    const wallet = createWalletClient({ account: privateKeyToAccount(ANVIL_KEYS[0]), transport, chain: { ...foundry, id: BENCH_CHAIN_ID } });
    const deployment = await deployProtocol(wallet, client);
    const started = performance.now();
    let last = 0;
    const manifest = await simulate({
      rpcUrl: anvil.rpcUrl,
      deployment,
      scale,
      seed,
      // Not 31337: the simulator asks for --force on other chain ids; this anvil is ours.
      force: true,
      onProgress: ({ phase, done, total }) => {
        const now = performance.now();
        if (now - last < 5000 && done < total) return;
        last = now;
        log(`  [${((now - started) / 1000).toFixed(0)} s] ${phase} ${done}/${total}`);
      },
    });
    await client.request({ method: "anvil_mine" as never, params: [`0x${SETTLED_BLOCKS.toString(16)}`] as never });
    writeFileSync(join(tmp, "deployment.json"), JSON.stringify(deployment, null, 2) + "\n");
    writeFileSync(join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    log(`  simulated ${manifest.inferences} inferences, ${manifest.attributions} attributions in ${manifest.stats.seconds} s; dumping anvil's state…`);
  } catch (e) {
    await anvil.stop(5_000);
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const t = performance.now();
  await anvil.stop();
  if (!existsSync(join(tmp, "state.json"))) throw new Error(`anvil did not write its state dump to ${tmp}/state.json`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  const chain = loadCached(dir, key, scale, seed);
  if (!chain) throw new Error(`the chain cache in ${dir} is incomplete`);
  log(`  state dump: ${(chain.stateBytes / 2 ** 20).toFixed(0)} MiB written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { ...chain, generatedNow: true };
}

/** A fresh anvil replaying the cached chain; `head` is its last block. */
export async function replayChain(chain: BenchChain): Promise<AnvilProcess & { head: bigint; loadSeconds: number }> {
  const t = performance.now();
  const anvil = await spawnAnvil(["--load-state", chain.statePath]);
  const client = createPublicClient({ transport: http(anvil.rpcUrl) });
  const head = await client.getBlockNumber({ cacheTime: 0 });
  if (head < BigInt(chain.manifest.lastBlock)) {
    await anvil.stop(5_000);
    throw new Error(`the replayed chain ends at block ${head}, before the scenario's last block ${chain.manifest.lastBlock}: delete ${chain.dir} to regenerate it`);
  }
  return { ...anvil, head, loadSeconds: (performance.now() - t) / 1000 };
}
