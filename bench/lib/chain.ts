/**
 * The benchmark chain: a simulated scenario generated once, kept under bench/.cache/ and replayed
 * by every run, so every run indexes the very same chain: as an anvil state dump loaded into a
 * fresh anvil ("anvil"), or as a recording of every block served by chain/recordedRpc.ts
 * ("recorded", the large scale's only form; see ChainSource).
 *
 * The dump is keyed by scale, seed, chain id and the hash of the four contracts' bytecode: change a
 * contract and the next run regenerates it. The chain id is 31338, not the devnet's 31337, so that
 * ponder.config.ts leaves Ponder's RPC cache on (it disables it only for 31337, whose devnets are
 * rewritten at will) and the measured runs index "with the RPC cache warm".
 */
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { AttributionEngineBytecode, DatanetRegistryBytecode, ModelRegistryBytecode, OpenTokenBytecode } from "../../abis/index.js";
import { ANVIL_KEYS, mineEmptyBlocks, SETTLE_BLOCKS, startAnvil } from "../../chain/anvil.js";
import { deployProtocol } from "../../chain/deploy.js";
import { parseDeployment, type Deployment } from "../../chain/deployment.js";
import { simulate, type Manifest, type Scale } from "../../sim/index.js";
import { startRecorder } from "../../chain/recorder.js";
import { startRecordedRpc } from "../../chain/recordedRpc.js";
import type { RecordingMeta } from "../../chain/recording.js";
import { onCleanup } from "./cleanup.js";
import { sampleGroupMemory } from "./memory.js";
import { benchDir } from "./report.js";

export const BENCH_CHAIN_ID = 31338;
export const cacheDir = join(benchDir, ".cache");

/**
 * Empty blocks mined after the scenario: the chain moves on past Ponder's finality depth (30
 * blocks for an unknown chain id), as a live chain does while an indexer catches up on its
 * history. Without them the scenario's last 30 blocks (~26,000 events at medium) would be
 * indexed in Ponder's realtime mode, block by block, after /ready.
 */
export const SETTLED_BLOCKS = SETTLE_BLOCKS;
/** Ponder's finality depth for a chain id it does not know (the bench chain's 31338): blocks this far below the head are final. */
export const PONDER_FINALITY_BLOCKS = 30;

/**
 * How a benchmark chain is kept and served:
 * - "anvil": anvil keeps the whole chain and dumps it (--dump-state); every run loads the dump
 *   into a fresh anvil, which holds all of it in memory again (4.1 GB of RSS at medium).
 * - "recorded": generated on an anvil that forgets old blocks and states (--prune-history,
 *   --transaction-block-keeper) while chain/recorder.ts writes every block, with its transactions,
 *   receipts and logs, to disk; every run serves that recording with chain/recordedRpc.ts, and
 *   eth_call with an anvil loaded from the head state only. Memory stays flat as the chain grows.
 */
export type ChainSource = "anvil" | "recorded";
export const CHAIN_SOURCES: readonly ChainSource[] = ["anvil", "recorded"];
/** The large scenario exists only recorded (anvil would need ~40 GB); the others stay as measured so far. */
export const defaultSource = (scale: Scale): ChainSource => (scale === "large" ? "recorded" : "anvil");
/** Blocks the recording anvil keeps (anvil's --transaction-block-keeper): the recorder reads each block as soon as it is mined. */
export const RECORDER_BLOCK_KEEPER = 64;

/** What generating a recorded chain cost (recording.json). */
export interface RecordingStats {
  seconds: number;
  /** Peak summed RSS of the generating anvil, sampled every 250 ms. */
  anvilPeakRssMiB: number;
  /** Peak RSS of the generating process (simulator + recorder): its getrusage maxrss. */
  recorderPeakRssMiB: number;
  recordingBytes: number;
  stateDumpBytes: number;
  meta: RecordingMeta;
}

export interface BenchChain {
  source: ChainSource;
  /** The recording's directory (source "recorded"). */
  recordingDir?: string;
  recording?: RecordingStats;
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

/**
 * A recorded chain has a key of its own: its blocks differ from the anvil one's (the deployment's
 * timestamps are the wall clock's), so the two must never share a database's RPC cache.
 */
export function chainKey(scale: Scale, seed: number, source: ChainSource = "anvil"): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ scale, seed, chainId: BENCH_CHAIN_ID, settledBlocks: SETTLED_BLOCKS, ...(source === "recorded" ? { source, keeper: RECORDER_BLOCK_KEEPER } : {}) }));
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

function loadCached(dir: string, key: string, scale: Scale, seed: number, source: ChainSource): BenchChain | null {
  const statePath = join(dir, "state.json");
  const deploymentPath = join(dir, "deployment.json");
  const manifestPath = join(dir, "manifest.json");
  const statsPath = join(dir, "recording.json");
  const needed = [statePath, deploymentPath, manifestPath, ...(source === "recorded" ? [statsPath, join(dir, "recording", "meta.json")] : [])];
  if (!needed.every((p) => existsSync(p))) return null;
  const parsed = parseDeployment(readFileSync(deploymentPath, "utf8"), deploymentPath);
  if (!parsed.ok) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  const recorded = source === "recorded" ? { recordingDir: join(dir, "recording"), recording: JSON.parse(readFileSync(statsPath, "utf8")) as RecordingStats } : {};
  return { source, ...recorded, key, scale, seed, dir, statePath, deploymentPath, deployment: parsed.deployment, manifest, stateBytes: statSync(statePath).size, generatedNow: false };
}

export function chainDir(scale: Scale, seed: number, source: ChainSource): { key: string; dir: string } {
  const key = chainKey(scale, seed, source);
  return { key, dir: join(cacheDir, `chain-${scale}-seed${seed}-${key}${source === "recorded" ? "-recorded" : ""}`) };
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) total += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return total;
}

/** The cached chain for (scale, seed, bytecode), generating it first when missing. */
export async function ensureChain(scale: Scale, seed: number, log: (s: string) => void = console.log, source: ChainSource = defaultSource(scale)): Promise<BenchChain> {
  const { key, dir } = chainDir(scale, seed, source);
  const cached = loadCached(dir, key, scale, seed, source);
  if (cached) return cached;

  log(`generating the ${scale} scenario (seed ${seed}, ${source === "recorded" ? `recorded from an anvil keeping ${RECORDER_BLOCK_KEEPER} blocks` : "kept by anvil"}) once; it is kept in ${dir}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const started = performance.now();
  const pruning = source === "recorded" ? ["--prune-history", "--transaction-block-keeper", String(RECORDER_BLOCK_KEEPER)] : [];
  const anvil = await spawnAnvil([...pruning, "--dump-state", join(tmp, "state.json")], 30_000);
  const anvilMemory = sampleGroupMemory(anvil.process.pid!);
  const recorder = source === "recorded" ? await startRecorder({ target: anvil.rpcUrl, dir: join(tmp, "recording"), chainId: BENCH_CHAIN_ID }) : null;
  const rpcUrl = recorder?.url ?? anvil.rpcUrl;
  let meta: RecordingMeta | null = null;
  try {
    const transport = http(rpcUrl);
    const client = createPublicClient({ transport });
    const wallet = createWalletClient({ account: privateKeyToAccount(ANVIL_KEYS[0]), transport, chain: { ...foundry, id: BENCH_CHAIN_ID } });
    const deployment = await deployProtocol(wallet, client);
    let last = 0;
    const manifest = await simulate({
      rpcUrl,
      deployment,
      scale,
      seed,
      // Not 31337: the simulator asks for --force on other chain ids; this anvil is ours.
      force: true,
      onProgress: ({ phase, done, total }) => {
        const now = performance.now();
        if (now - last < 5000 && done < total) return;
        last = now;
        const rss = `anvil RSS ${Math.round(anvilRss(anvil.process.pid!))} MiB`;
        log(`  [${((now - started) / 1000).toFixed(0)} s] ${phase} ${done}/${total}  (${rss}${recorder ? `, ${recorder.recorded()} blocks recorded` : ""})`);
      },
    });
    await mineEmptyBlocks(rpcUrl, SETTLED_BLOCKS);
    if (recorder) meta = await recorder.finish();
    writeFileSync(join(tmp, "deployment.json"), JSON.stringify(deployment, null, 2) + "\n");
    writeFileSync(join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    log(`  simulated ${manifest.inferences} inferences, ${manifest.attributions} attributions in ${manifest.stats.seconds} s; dumping anvil's state…`);
  } catch (e) {
    await recorder?.close();
    anvilMemory.stop();
    await anvil.stop(5_000);
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const t = performance.now();
  await anvil.stop();
  const anvilPeak = anvilMemory.stop();
  if (!existsSync(join(tmp, "state.json"))) throw new Error(`anvil did not write its state dump to ${tmp}/state.json`);
  if (meta) {
    const stats: RecordingStats = {
      seconds: Math.round((performance.now() - started) / 100) / 10,
      anvilPeakRssMiB: anvilPeak.peakRssMiB,
      recorderPeakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      recordingBytes: dirBytes(join(tmp, "recording")),
      stateDumpBytes: statSync(join(tmp, "state.json")).size,
      meta,
    };
    writeFileSync(join(tmp, "recording.json"), JSON.stringify(stats, null, 2) + "\n");
    log(`  recorded blocks 0..${meta.head} (${meta.transactions.toLocaleString("en-US")} transactions, ${meta.logs.toLocaleString("en-US")} logs) in ${(stats.recordingBytes / 2 ** 20).toFixed(0)} MiB; peak RSS: anvil ${stats.anvilPeakRssMiB} MiB, simulator + recorder ${stats.recorderPeakRssMiB} MiB`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  const chain = loadCached(dir, key, scale, seed, source);
  if (!chain) throw new Error(`the chain cache in ${dir} is incomplete`);
  log(`  state dump: ${(chain.stateBytes / 2 ** 20).toFixed(0)} MiB written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { ...chain, generatedNow: true };
}

function anvilRss(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The cached chain served for a run: a fresh anvil loading the dump ("anvil"), or the recording
 * served by chain/recordedRpc.ts with eth_call forwarded to an anvil loading the head state
 * ("recorded"); `rpcUrl` is what to index from, `head` its last block.
 */
export async function replayChain(chain: BenchChain): Promise<AnvilProcess & { head: bigint; loadSeconds: number; rpcCalls?: () => Record<string, { calls: number; ms: number }> }> {
  const t = performance.now();
  const anvil = await spawnAnvil(["--load-state", chain.statePath]);
  let served: AnvilProcess & { rpcCalls?: () => Record<string, { calls: number; ms: number }> } = anvil;
  if (chain.source === "recorded") {
    const server = await startRecordedRpc({ dir: chain.recordingDir!, stateRpc: anvil.rpcUrl }).catch(async (e) => {
      await anvil.stop(5_000);
      throw e;
    });
    const unregister = onCleanup(() => server.close());
    const stateHead = await createPublicClient({ transport: http(anvil.rpcUrl) }).getBlockNumber({ cacheTime: 0 });
    if (stateHead !== BigInt(server.reader.head)) {
      await server.close();
      await anvil.stop(5_000);
      throw new Error(`the state dump is at block ${stateHead}, the recording at ${server.reader.head}: delete ${chain.dir} to regenerate it`);
    }
    served = {
      rpcUrl: server.url,
      process: anvil.process,
      rpcCalls: server.calls,
      stop: async (graceMs) => {
        await server.close();
        unregister();
        await anvil.stop(graceMs);
      },
    };
  }
  const client = createPublicClient({ transport: http(served.rpcUrl) });
  const head = await client.getBlockNumber({ cacheTime: 0 });
  if (head < BigInt(chain.manifest.lastBlock)) {
    await served.stop(5_000);
    throw new Error(`the replayed chain ends at block ${head}, before the scenario's last block ${chain.manifest.lastBlock}: delete ${chain.dir} to regenerate it`);
  }
  return { ...served, head, loadSeconds: (performance.now() - t) / 1000 };
}
