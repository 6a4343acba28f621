/**
 * The activity simulator: datanet owners, contributors, model owners, attestors and payers using
 * the protocol through its public functions, deterministic from the seed. Returns (and optionally
 * writes) the manifest: the ground truth of which inferences an auditor must flag.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { encodeFunctionData, getAddress, keccak256, encodePacked, toEventSelector, type Address, type Hex, type AbiEvent } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import type { Deployment } from "../chain/deployment.js";
import { MAX_ATTRIBUTIONS, Status } from "../core/roles.js";
import { ChainModel, type ContributionState, type DatanetState, type RuleHit } from "./model.js";
import { contributionURI, datanetName, datanetURI, hostileDatanets, modelNames, reviewReason } from "./names.js";
import { devnetRefusal, inspectNode } from "./node.js";
import { countSampler, ppmWeights, Rng, WeightedSampler, zipfWeights } from "../core/rng.js";
import { Rpc } from "./rpc.js";
import { AnvilSender, SignedSender, SimulationError, type RpcReceipt, type Sender, type TxRequest } from "./sender.js";
import type { Rule } from "../core/audit.js";

export type Scale = "tiny" | "small" | "medium" | "large";
export const SCALES: readonly Scale[] = ["tiny", "small", "medium", "large"];

export interface SimulateOptions {
  rpcUrl: string;
  deployment: Deployment;
  scale: Scale;
  seed: number;
  force?: boolean;
  manifestPath?: string;
  onProgress?: (p: { phase: string; done: number; total: number }) => void;
  /** Deployer's key: needed only on a non-anvil chain (--force), where nothing can be impersonated. */
  privateKey?: Hex;
  /** Seconds the activity's block timestamps should span (anvil only). Default: up to now from an old chain, else 7 days. */
  spanSeconds?: number;
  /** "auto" (default): impersonate on anvil, sign elsewhere. "signed": always sign locally (tests the fallback on anvil). */
  mode?: "auto" | "signed";
}

/**
 * One inference an auditor must flag. `rules` lists CONTRIBUTION_NOT_ACCEPTED before
 * OUTSIDE_TRAINING_LINEAGE, each with the concerned contribution ids ascending (decimal strings).
 * SPLIT_MISMATCH cannot arise from a correct contract and is never listed.
 */
export interface ManifestViolation {
  outputHash: Hex;
  inferenceId: string;
  rules: { rule: Rule; contributionIds: string[] }[];
}

/**
 * Ground truth of a scenario on a fresh deployment. `violations` holds every flagged inference,
 * ascending by inferenceId (read from the InferenceAttributed events); every inference not listed is
 * clean. `trainingRuns` in chain order; `honest` = the claimed root and count match the Accepted
 * (not revoked) contributions of the named datanets at that block. `accounts`: every simulated
 * account (admin first). `lastBlock`: the last block the simulator mined or waited for.
 */
export interface Manifest {
  seed: number;
  scale: Scale;
  inferences: number;
  attributions: number;
  accounts: Address[];
  trainingRuns: { modelId: string; version: number; honest: boolean }[];
  violations: ManifestViolation[];
  lastBlock: string;
  /** Extra facts for tests and people; not needed by the indexer. */
  firstBlock: string;
  datanets: number;
  contributions: number;
  models: number;
  refusedSubmissions: number;
  claims: number;
  feeParamChanges: number;
  stats: { seconds: number; inferencesPerSecond: number; blocks: number; mode: "anvil" | "signed" };
}

interface ScaleConfig {
  inferences: number;
  rounds: number;
  datanets: number;
  owners: number;
  contributors: number;
  modelOwners: number;
  payers: number;
  baseModels: number;
  adapters: number;
  contributions: number;
}

const CONFIG: Record<Scale, ScaleConfig> = {
  tiny: { inferences: 300, rounds: 5, datanets: 8, owners: 4, contributors: 16, modelOwners: 3, payers: 4, baseModels: 3, adapters: 3, contributions: 160 },
  small: { inferences: 5_000, rounds: 8, datanets: 16, owners: 8, contributors: 60, modelOwners: 6, payers: 10, baseModels: 5, adapters: 6, contributions: 1_000 },
  medium: { inferences: 100_000, rounds: 20, datanets: 30, owners: 14, contributors: 150, modelOwners: 10, payers: 20, baseModels: 8, adapters: 12, contributions: 4_000 },
  large: { inferences: 1_000_000, rounds: 50, datanets: 40, owners: 20, contributors: 300, modelOwners: 14, payers: 30, baseModels: 12, adapters: 18, contributions: 12_000 },
};

/** Share of inferences that deliberately break an audit rule. */
const PLANT_RATE = 0.03;
const DISHONEST_TRAINING_RATE = 0.08;
const INFERENCE_CHUNK = 2_000;
const MAX_UINT256 = (1n << 256n) - 1n;
const OPEN = 10n ** 18n;
const BLOCK_GAS_LIMIT = 200_000_000n;
const toHexQ = (n: bigint) => `0x${n.toString(16)}`;

const topic = (abi: readonly unknown[], name: string): Hex =>
  toEventSelector((abi as readonly AbiEvent[]).find((e) => e.type === "event" && e.name === name)!);
export const TOPICS = {
  DatanetCreated: topic(DatanetRegistryAbi, "DatanetCreated"),
  ContributionSubmitted: topic(DatanetRegistryAbi, "ContributionSubmitted"),
  ModelRegistered: topic(ModelRegistryAbi, "ModelRegistered"),
  ModelTrained: topic(ModelRegistryAbi, "ModelTrained"),
  InferenceAttributed: topic(AttributionEngineAbi, "InferenceAttributed"),
  RewardAccrued: topic(AttributionEngineAbi, "RewardAccrued"),
  RewardClaimed: topic(AttributionEngineAbi, "RewardClaimed"),
};

/** Gas limits, generous over measured use: we skip estimateGas on the hot path. */
const GAS = {
  small: 90_000n,
  mint: 120_000n,
  claim: 120_000n,
  perByte: 60n,
  createDatanet: 220_000n,
  submit: 200_000n,
  review: 90_000n,
  registerModel: 200_000n,
  training: (n: number) => 120_000n + 15_000n * BigInt(n),
  // Measured on warm state: ~100k + 16k·n + 70·n² (n attributions). The limit covers the cold
  // worst case: every slot written for the first time (22.1k each: the engine's token balance,
  // inferenceCount, two fresh claimable balances per attribution) and every payee read cold;
  // capped at the EIP-7825 per-transaction limit (a 256-entry inference uses ~7–10M).
  inference: (n: number) => {
    const g = 150_000n + 62_000n * BigInt(n) + 100n * BigInt(n) * BigInt(n);
    return g > 16_000_000n ? 16_000_000n : g;
  },
  // Signed mode follows the wall clock, so a run is not an exact replay of its seed, and a one-entry
  // inference can meet more fresh slots than the formula allows (seen in CI: out of gas at 212,100).
  // Each signed transaction has a block of its own, so a generous floor costs nothing there; anvil
  // mode packs blocks by these limits and replays a seed exactly (its runs pass or fail every time).
  signedInferenceFloor: 320_000n,
};

function logsOf(receipt: RpcReceipt, topic0: Hex): RpcReceipt["logs"] {
  return receipt.logs.filter((l) => l.topics[0]?.toLowerCase() === topic0.toLowerCase());
}

function idFromTopic(receipt: RpcReceipt, topic0: Hex, what: string): bigint {
  const log = logsOf(receipt, topic0)[0];
  if (!log || !log.topics[1]) throw new SimulationError(`${what}: no event in receipt ${receipt.transactionHash}`);
  return BigInt(log.topics[1]);
}

function deriveKey(seed: number, i: number): Hex {
  return keccak256(encodePacked(["string", "uint256", "uint256"], ["openledger-sim-account", BigInt(seed >>> 0), BigInt(i)]));
}

interface Actors {
  admin: Address;
  owners: Address[];
  contributors: Address[];
  modelOwners: Address[];
  payers: Address[];
  attestors: Address[];
  coldWallets: Address[];
  treasuryAlt: Address;
  all: Address[];
  keys: Map<string, PrivateKeyAccount>;
}

function makeActors(seed: number, cfg: ScaleConfig, admin: Address, adminKey?: Hex): Actors {
  const keys = new Map<string, PrivateKeyAccount>();
  let next = 0;
  const fresh = (): Address => {
    const account = privateKeyToAccount(deriveKey(seed, next++));
    keys.set(account.address.toLowerCase(), account);
    return account.address;
  };
  if (adminKey) keys.set(admin.toLowerCase(), privateKeyToAccount(adminKey));
  const owners = Array.from({ length: cfg.owners }, fresh);
  // Several roles in one account: the first owner also contributes and owns a model; the admin
  // (first treasury) contributes; treasuryAlt (a later treasury) contributes too.
  const contributors = [owners[0]!, admin, ...Array.from({ length: cfg.contributors - 2 }, fresh)];
  const modelOwners = [owners[0]!, ...Array.from({ length: cfg.modelOwners - 1 }, fresh)];
  const payers = [...Array.from({ length: cfg.payers - 1 }, fresh), modelOwners[1] ?? fresh()];
  const attestors = [fresh(), fresh()];
  const coldWallets = [fresh(), fresh()];
  const treasuryAlt = contributors[3]!;
  const seen = new Set<string>();
  const all: Address[] = [];
  for (const a of [admin, ...owners, ...contributors, ...modelOwners, ...payers, ...attestors, ...coldWallets]) {
    if (!seen.has(a.toLowerCase())) {
      seen.add(a.toLowerCase());
      all.push(a);
    }
  }
  return { admin, owners, contributors, modelOwners, payers, attestors, coldWallets, treasuryAlt, all, keys };
}

async function readAddress(rpc: Rpc, to: Address, data: Hex): Promise<Address> {
  const out = await rpc.call<Hex>("eth_call", [{ to, data }, "latest"]);
  return getAddress(`0x${out.slice(-40)}`);
}

async function readUint(rpc: Rpc, to: Address, data: Hex): Promise<bigint> {
  return BigInt(await rpc.call<Hex>("eth_call", [{ to, data }, "latest"]));
}

export async function simulate(opts: SimulateOptions): Promise<Manifest> {
  const started = performance.now();
  const cfg = CONFIG[opts.scale];
  if (!cfg) throw new Error(`unknown scale "${opts.scale}"; use one of ${SCALES.join(", ")}`);
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw new Error(`seed must be a non-negative integer, got ${opts.seed}`);
  const rpc = new Rpc(opts.rpcUrl);
  const node = await inspectNode(rpc);
  if (!opts.force) {
    const refusal = devnetRefusal(node, opts.rpcUrl);
    if (refusal) throw new SimulationError(refusal);
  }
  if (node.chainId !== opts.deployment.chainId) {
    throw new SimulationError(`the deployment is for chain ${opts.deployment.chainId} but ${opts.rpcUrl} is chain ${node.chainId}; pass the deployment file written for this node`);
  }
  const c = opts.deployment.contracts;
  const addr = { token: c.OpenToken.address, datanets: c.DatanetRegistry.address, models: c.ModelRegistry.address, engine: c.AttributionEngine.address };
  for (const [name, a] of Object.entries(addr)) {
    const code = await rpc.call<Hex>("eth_getCode", [a, "latest"]);
    if (code === "0x") throw new SimulationError(`no contract at ${a} (${name}) on ${opts.rpcUrl}; the deployment file does not match this chain: redeploy`);
  }
  const counts = await Promise.all([
    readUint(rpc, addr.datanets, encodeFunctionData({ abi: DatanetRegistryAbi, functionName: "datanetCount" })),
    readUint(rpc, addr.models, encodeFunctionData({ abi: ModelRegistryAbi, functionName: "modelCount" })),
    readUint(rpc, addr.engine, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "inferenceCount" })),
  ]);
  if (counts.some((n) => n !== 0n)) {
    throw new SimulationError("this deployment already has datanets, models or inferences; the manifest is only ground truth for a fresh deployment: deploy again (npm run deploy) and simulate on that");
  }
  const admin = await readAddress(rpc, addr.engine, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "admin" }));
  const tokenOwner = await readAddress(rpc, addr.token, encodeFunctionData({ abi: OpenTokenAbi, functionName: "owner" }));
  const useAnvil = node.anvil && opts.mode !== "signed";
  if (!useAnvil) {
    if (!opts.privateKey) throw new SimulationError("this node is not anvil, so accounts cannot be impersonated: pass the deployer's key (--private-key)");
    if (privateKeyToAccount(opts.privateKey).address.toLowerCase() !== admin.toLowerCase()) {
      throw new SimulationError(`--private-key is not the AttributionEngine admin ${admin}`);
    }
  }
  if (tokenOwner.toLowerCase() !== admin.toLowerCase() && !useAnvil) {
    throw new SimulationError(`the OpenToken owner ${tokenOwner} differs from the engine admin ${admin}; cannot mint on a non-anvil chain`);
  }

  const rootRng = new Rng(opts.seed);
  const actors = makeActors(opts.seed, cfg, admin, opts.privateKey);
  const progress = opts.onProgress ?? (() => {});

  // Block clock: spread the activity over several days. Each block's timestamp follows the
  // run's progress (share of rounds and inferences done), plus a few random seconds.
  const latest = await rpc.call<{ timestamp: Hex; number: Hex; gasLimit: Hex }>("eth_getBlockByNumber", ["latest", false]);
  const firstBlock = BigInt(latest.number) + 1n;
  const startTime = Number(BigInt(latest.timestamp));
  let clock = startTime;
  const now = Math.floor(Date.now() / 1000);
  const span = opts.spanSeconds ?? (clock < now - 2 * 86_400 ? now - clock - 600 : 7 * 86_400);
  const clockRng = rootRng.fork(1);
  const timeline = { fraction: 0 };
  const nextTimestamp = () => {
    clock = Math.max(clock + clockRng.int(1, 30), startTime + Math.floor(span * timeline.fraction));
    return clock;
  };

  let restoreAutomine: boolean | undefined;
  let originalGasLimit: bigint | undefined;
  let sender: Sender;
  if (useAnvil) {
    restoreAutomine = await rpc.tryCall<boolean>("anvil_getAutomine");
    // Bigger blocks: hundreds of inferences per evm_mine.
    originalGasLimit = BigInt(latest.gasLimit);
    const raised = originalGasLimit < BLOCK_GAS_LIMIT && (await rpc.tryCall("evm_setBlockGasLimit", [toHexQ(BLOCK_GAS_LIMIT)])) !== undefined;
    await rpc.call("evm_setAutomine", [false]);
    await rpc.call("anvil_autoImpersonateAccount", [true]);
    await rpc.batch(actors.all.filter((a) => a !== admin).map((a) => ({ method: "anvil_setBalance", params: [a, "0xd3c21bcecceda1000000"] })));
    sender = new AnvilSender(rpc, nextTimestamp, raised ? BLOCK_GAS_LIMIT : originalGasLimit);
  } else {
    sender = new SignedSender(rpc, node.chainId, actors.keys);
  }

  try {
    const manifest = await run(opts, cfg, rpc, sender, actors, addr, rootRng, progress, tokenOwner, timeline);
    manifest.firstBlock = String(firstBlock);
    const seconds = (performance.now() - started) / 1000;
    manifest.stats = { seconds: Math.round(seconds * 100) / 100, inferencesPerSecond: Math.round(manifest.inferences / seconds), blocks: sender.blocksMined, mode: sender.mode };
    if (opts.manifestPath) {
      mkdirSync(dirname(opts.manifestPath), { recursive: true });
      writeFileSync(opts.manifestPath, JSON.stringify(manifest, null, 2) + "\n");
    }
    return manifest;
  } finally {
    if (useAnvil) {
      await rpc.tryCall("anvil_autoImpersonateAccount", [false]);
      if (originalGasLimit !== undefined && originalGasLimit < BLOCK_GAS_LIMIT) await rpc.tryCall("evm_setBlockGasLimit", [toHexQ(originalGasLimit)]);
      if (restoreAutomine !== false) await rpc.tryCall("evm_setAutomine", [true]);
    }
  }
}

interface Addrs {
  token: Address;
  datanets: Address;
  models: Address;
  engine: Address;
}

/** What the steps of one run share: the chain it drives, who acts, what it has seen so far, what it counts. */
interface Run {
  opts: SimulateOptions;
  cfg: ScaleConfig;
  rpc: Rpc;
  sender: Sender;
  actors: Actors;
  addr: Addrs;
  rootRng: Rng;
  progress: NonNullable<SimulateOptions["onProgress"]>;
  tokenOwner: Address;
  timeline: { fraction: number };
  plan: RoundPlan;
  /** The simulator's model of the chain (what was created, accepted, trained). */
  state: ChainModel;
  violations: ManifestViolation[];
  trainingRuns: Manifest["trainingRuns"];
  counts: { inferences: number; attributions: number; refusedSubmissions: number; claims: number; feeParamChanges: number; datanets: number; models: number };
  attestorsActive: Set<Address>;
  /** Attestors taking turns to record inferences (one is retired late in the run, the admin joins). */
  attestorRotation: Address[];
  attestorTurn: number;
  outputCounter: number;
  contributorRank: Map<string, number>;
  contributorWeights: number[];
  contributorSampler: WeightedSampler;
  payerSampler: WeightedSampler;
  attributionCount: ReturnType<typeof countSampler>;
}

/** What happens in which round: fee parameter changes, new base models, adapters and datanets. */
interface RoundPlan {
  /** The round at fraction `f` of the run (never the first or the last). */
  at(f: number): number;
  fees: Map<number, [number, number, Address]>;
  baseModels: number[];
  adapters: number[];
  datanets: number[];
  inferencesPerRound: number;
}

const tx = (from: Address, to: Address, data: Hex, gas: bigint, label: string, expectRevert = false): TxRequest => ({ from, to, data, gas, label, expectRevert });
const strGas = (...s: string[]) => GAS.perByte * BigInt(s.reduce((n, x) => n + Buffer.byteLength(x), 0));
const inferenceGas = (sender: Sender, n: number) => (sender.mode === "signed" && GAS.inference(n) < GAS.signedInferenceFloor ? GAS.signedInferenceFloor : GAS.inference(n));
const SHARE_CHOICES = [0, 10_000, 1_500, 2_500, 500, 5_000, 3_333, 7_777, 1_000, 2_000];

async function run(
  opts: SimulateOptions,
  cfg: ScaleConfig,
  rpc: Rpc,
  sender: Sender,
  actors: Actors,
  addr: Addrs,
  rootRng: Rng,
  progress: NonNullable<SimulateOptions["onProgress"]>,
  tokenOwner: Address,
  timeline: { fraction: number },
): Promise<Manifest> {
  const contributorWeights = zipfWeights(actors.contributors.length, 1.1);
  const r: Run = {
    opts, cfg, rpc, sender, actors, addr, rootRng, progress, tokenOwner, timeline,
    plan: planRounds(cfg, actors),
    state: new ChainModel(),
    violations: [],
    trainingRuns: [],
    counts: { inferences: 0, attributions: 0, refusedSubmissions: 0, claims: 0, feeParamChanges: 0, datanets: 0, models: 0 },
    attestorsActive: new Set<Address>([actors.admin]),
    attestorRotation: [...actors.attestors],
    attestorTurn: 0,
    outputCounter: 0,
    contributorRank: new Map(actors.contributors.map((a, i) => [a.toLowerCase(), i])),
    contributorWeights,
    contributorSampler: new WeightedSampler(contributorWeights),
    payerSampler: new WeightedSampler(zipfWeights(actors.payers.length, 1.0)),
    attributionCount: countSampler(MAX_ATTRIBUTIONS, 1.55),
  };
  await setUp(r);
  for (let round = 0; round < cfg.rounds; round++) {
    const rng = rootRng.fork(100 + round);
    timeline.fraction = round / cfg.rounds;
    progress({ phase: `round ${round + 1}/${cfg.rounds}: registry`, done: round, total: cfg.rounds });
    await createDatanetsAndModels(r, round, rng);
    await changeAllowLists(r, rng);
    const { datanetList, datanetSampler } = await submitContributions(r, round, rng);
    const all = await reviewAndRevoke(r, round, rng);
    await trainAndClaim(r, round, rng, datanetList, datanetSampler);
    await recordInferences(r, round, all);
  }
  return manifestOf(r);
}

/** Gas money (signed mode), the attestors, and the payers funded and approving the engine. */
async function setUp(r: Run): Promise<void> {
  const { sender, actors, addr } = r;
  r.progress({ phase: "setup", done: 0, total: r.cfg.rounds });
  if (sender.mode === "signed") {
    for (const a of actors.all) {
      if (a === actors.admin) continue;
      const value = actors.attestors.includes(a) ? 5n * OPEN : OPEN / 2n;
      sender.queue({ from: actors.admin, to: a, data: "0x", gas: 21_000n, value, label: `fund(${a})` });
    }
    await sender.flush();
  }
  for (const a of actors.attestors) {
    sender.queue(tx(actors.admin, addr.engine, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "setAttestor", args: [a, true] }), GAS.small, `setAttestor(${a})`));
    r.attestorsActive.add(a);
  }
  for (const [i, p] of actors.payers.entries()) {
    const amount = (i === 0 ? 10n ** 12n : 10n ** 9n) * OPEN;
    sender.queue(tx(r.tokenOwner, addr.token, encodeFunctionData({ abi: OpenTokenAbi, functionName: "mint", args: [p, amount] }), GAS.mint, `mint(${p})`));
    // One payer approves a finite (but ample) amount, the rest approve "infinite".
    const allowance = i === 1 ? 10n ** 9n * OPEN : MAX_UINT256;
    sender.queue(tx(p, addr.token, encodeFunctionData({ abi: OpenTokenAbi, functionName: "approve", args: [addr.engine, allowance] }), GAS.small, `approve(${p})`));
  }
  await sender.flush();
}

/** Fee parameter changes at fixed fractions of the run; models and datanets spread over the rounds. */
function planRounds(cfg: ScaleConfig, actors: Actors): RoundPlan {
  const at = (f: number) => Math.max(1, Math.min(cfg.rounds - 1, Math.round(cfg.rounds * f)));
  const fees = new Map<number, [number, number, Address]>();
  fees.set(at(0.2), [300, 2_500, actors.treasuryAlt]);
  fees.set(at(0.4), [0, 0, actors.treasuryAlt]);
  fees.set(at(0.6), [1_000, 9_000, actors.admin]);
  fees.set(at(0.8), [750, 1_500, actors.admin]);

  const baseModels: number[] = Array.from({ length: cfg.rounds }, () => 0);
  const adapters: number[] = Array.from({ length: cfg.rounds }, () => 0);
  const datanets: number[] = Array.from({ length: cfg.rounds }, () => 0);
  baseModels[0] = cfg.baseModels - 1;
  baseModels[Math.floor(cfg.rounds / 2)]! += 1;
  for (let i = 0; i < cfg.adapters; i++) adapters[1 + (i % Math.max(1, cfg.rounds - 2))]! += 1;
  datanets[0] = Math.ceil(cfg.datanets * 0.6);
  for (let i = datanets[0]; i < cfg.datanets; i++) datanets[1 + ((i - datanets[0]) % Math.max(1, Math.floor(cfg.rounds / 2)))]! += 1;
  return { at, fees, baseModels, adapters, datanets, inferencesPerRound: Math.floor(cfg.inferences / cfg.rounds) };
}

/** A1: the round's new datanets and models, a fee parameter change and an attestor retired when planned. */
async function createDatanetsAndModels(r: Run, round: number, rng: Rng): Promise<void> {
  const { sender, actors, addr, state, plan } = r;
  const hostile = hostileDatanets();
  const newDatanets: { owner: Address; share: number; permissioned: boolean }[] = [];
  for (let i = 0; i < plan.datanets[round]!; i++) {
    const n = r.counts.datanets + newDatanets.length;
    const owner = actors.owners[n % actors.owners.length]!;
    const share = n < SHARE_CHOICES.length ? SHARE_CHOICES[n]! : rng.int(0, 10_000);
    const permissioned = n % 3 === 1;
    const { name, metadataURI } = n < hostile.length ? hostile[n]! : { name: datanetName(rng, n + 1), metadataURI: datanetURI(rng, n + 1) };
    newDatanets.push({ owner, share, permissioned });
    sender.queue(tx(owner, addr.datanets, encodeFunctionData({ abi: DatanetRegistryAbi, functionName: "createDatanet", args: [name, metadataURI, share, permissioned] }), GAS.createDatanet + strGas(name, metadataURI), `createDatanet(${n + 1})`));
  }
  const newModels: { owner: Address; parent: bigint }[] = [];
  const existingModels = [...state.models.values()];
  for (let i = 0; i < plan.baseModels[round]! + plan.adapters[round]!; i++) {
    const adapter = i >= plan.baseModels[round]!;
    const n = r.counts.models + newModels.length;
    const owner = actors.modelOwners[n % actors.modelOwners.length]!;
    // Adapters adapt an existing model; one adapter adapts an adapter (a two-level lineage).
    const parents = existingModels.filter((m) => (n % 5 === 4 ? m.parentId !== 0n : m.parentId === 0n));
    const parent = adapter ? (parents.length ? rng.pick(parents).id : existingModels.length ? rng.pick(existingModels).id : 0n) : 0n;
    const names = modelNames(rng, n + 1, parent !== 0n);
    newModels.push({ owner, parent });
    sender.queue(tx(owner, addr.models, encodeFunctionData({ abi: ModelRegistryAbi, functionName: "registerModel", args: [names.name, names.baseModel, parent, names.metadataURI] }), GAS.registerModel + strGas(names.name, names.baseModel, names.metadataURI), `registerModel(${n + 1})`));
  }
  const fee = plan.fees.get(round);
  if (fee) {
    sender.queue(tx(actors.admin, addr.engine, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "setFeeParams", args: [fee[0], fee[1], fee[2]] }), GAS.small, "setFeeParams"));
    r.counts.feeParamChanges++;
  }
  // Late in the run one attestor is retired and the admin attests alone with the other.
  if (round === plan.at(0.7) && r.attestorRotation.length > 1) {
    const retired = r.attestorRotation.pop()!;
    r.attestorsActive.delete(retired);
    sender.queue(tx(actors.admin, addr.engine, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "setAttestor", args: [retired, false] }), GAS.small, "setAttestor(false)"));
    r.attestorRotation.push(actors.admin);
  }
  const queued = sender.queued;
  const receipts = await sender.flush();
  if (queued === 0) return;
  let k = 0;
  for (const d of newDatanets) {
    const id = idFromTopic(receipts[k++]!, TOPICS.DatanetCreated, "createDatanet");
    const rank = Number(id);
    state.datanets.set(id, { id, owner: d.owner, ownerShareBps: d.share, permissioned: d.permissioned, allowed: new Set(), contentHashes: new Set(), contributions: [], popularity: (1 / rank ** 1.2) * (0.5 + rng.float()) });
  }
  r.counts.datanets += newDatanets.length;
  for (const m of newModels) {
    const id = idFromTopic(receipts[k++]!, TOPICS.ModelRegistered, "registerModel");
    state.models.set(id, { id, owner: m.owner, parentId: m.parent, trained: new Set(), versions: 0, method: rng.chance(0.5) ? 1 : 2, popularity: (1 / Number(id) ** 0.9) * (0.3 + rng.float()) });
  }
  r.counts.models += newModels.length;
}

/** A2: permissioned datanets fill their allow-lists, then add and remove contributors now and then. */
async function changeAllowLists(r: Run, rng: Rng): Promise<void> {
  const { sender, actors, addr, state } = r;
  const allowChanges: { datanet: bigint; account: Address; allowed: boolean }[] = [];
  for (const d of state.datanets.values()) {
    if (!d.permissioned) continue;
    if (d.allowed.size === 0) {
      allowChanges.push({ datanet: d.id, account: d.owner, allowed: true });
      for (const a of actors.contributors) if (a !== d.owner && rng.chance(0.4)) allowChanges.push({ datanet: d.id, account: a, allowed: true });
    } else if (rng.chance(0.3)) {
      const candidates = actors.contributors.filter((a) => !d.allowed.has(a.toLowerCase()));
      if (candidates.length) allowChanges.push({ datanet: d.id, account: rng.pick(candidates), allowed: true });
      const removable = [...d.allowed].filter((a) => a !== d.owner.toLowerCase());
      if (removable.length && rng.chance(0.5)) allowChanges.push({ datanet: d.id, account: getAddress(rng.pick(removable)), allowed: false });
    }
  }
  for (const ch of allowChanges) {
    const d = state.datanet(ch.datanet);
    sender.queue(tx(d.owner, addr.datanets, encodeFunctionData({ abi: DatanetRegistryAbi, functionName: "setContributorAllowed", args: [ch.datanet, ch.account, ch.allowed] }), GAS.small, "setContributorAllowed"));
    if (ch.allowed) d.allowed.add(ch.account.toLowerCase());
    else d.allowed.delete(ch.account.toLowerCase());
  }
  await sender.flush();
}

/**
 * B: the round's submissions, popular datanets and contributors more often; some refused by the
 * contract (not allow-listed, duplicate content). Returns the datanets and their popularity sampler.
 */
async function submitContributions(r: Run, round: number, rng: Rng): Promise<{ datanetList: DatanetState[]; datanetSampler: WeightedSampler }> {
  const { sender, actors, addr, state, cfg } = r;
  const datanetList = [...state.datanets.values()];
  const datanetSampler = new WeightedSampler(datanetList.map((d) => d.popularity));
  const want = Math.round((cfg.contributions / cfg.rounds) * (round === 0 ? 2 : round < cfg.rounds / 2 ? 1.2 : 0.6));
  const submitted: { datanet: bigint; contributor: Address; hash: Hex }[] = [];
  const submittedHashes = new Map<bigint, Set<string>>();
  const refused: string[] = [];
  const queueSubmit = (datanet: bigint, from: Address, hash: Hex, expectRevert: boolean, why: string) => {
    const uri = contributionURI(rng, hash);
    const size = BigInt(rng.int(1, 50_000_000));
    sender.queue(tx(from, addr.datanets, encodeFunctionData({ abi: DatanetRegistryAbi, functionName: "submitContribution", args: [datanet, hash, uri, size] }), GAS.submit + strGas(uri), `submitContribution(${datanet}, ${why})`, expectRevert));
  };
  for (let i = 0; i < want; i++) {
    const d = datanetList[datanetSampler.sample(rng)]!;
    let who = actors.contributors[r.contributorSampler.sample(rng)]!;
    const roll = rng.float();
    if (d.permissioned && !d.allowed.has(who.toLowerCase())) {
      if (roll < 0.12) {
        // A real attempt by someone not on the allow-list: reverts NotAllowlisted.
        queueSubmit(d.id, who, rng.bytes32(), true, "not allow-listed");
        refused.push("NotAllowlisted");
        continue;
      }
      who = getAddress(rng.pick([...d.allowed]));
    }
    let hash = rng.bytes32();
    if (roll > 0.97 && d.contentHashes.size > 0) {
      // Resubmitting content already in this datanet (from an earlier block): reverts DuplicateContent.
      queueSubmit(d.id, who, rng.pick([...d.contentHashes]) as Hex, true, "duplicate content");
      refused.push("DuplicateContent");
      continue;
    }
    if (roll > 0.94 && roll <= 0.97) {
      // The same content in another datanet is allowed.
      const other = rng.pick(datanetList);
      const candidate = other.id !== d.id ? [...other.contentHashes].find((h) => !d.contentHashes.has(h)) : undefined;
      if (candidate) hash = candidate as Hex;
    }
    const inBatch = submittedHashes.get(d.id) ?? new Set<string>();
    if (inBatch.has(hash) || d.contentHashes.has(hash)) hash = rng.bytes32();
    inBatch.add(hash);
    submittedHashes.set(d.id, inBatch);
    submitted.push({ datanet: d.id, contributor: who, hash });
    queueSubmit(d.id, who, hash, false, "new");
  }
  r.counts.refusedSubmissions += refused.length;
  // The queue holds submissions in order, refused ones interleaved: match successes to receipts.
  const receipts = await sender.flush();
  let s = 0;
  for (const receipt of receipts) {
    if (receipt.status !== "0x1") continue;
    const sub = submitted[s++]!;
    const id = idFromTopic(receipt, TOPICS.ContributionSubmitted, "submitContribution");
    const d = state.datanet(sub.datanet);
    const rank = r.contributorRank.get(sub.contributor.toLowerCase()) ?? actors.contributors.length;
    state.contributions.set(id, { id, datanetId: sub.datanet, contributor: sub.contributor, status: Status.Pending, popularity: d.popularity * (r.contributorWeights[rank] ?? 0.01) * (0.002 + rng.float() ** 4) });
    d.contributions.push(id);
    d.contentHashes.add(sub.hash);
  }
  return { datanetList, datanetSampler };
}

/** C: owners review most pending contributions; then, in a block of their own, a few are revoked. Returns every contribution so far. */
async function reviewAndRevoke(r: Run, round: number, rng: Rng): Promise<ContributionState[]> {
  const { sender, addr, state } = r;
  const reviewed: { c: ContributionState; status: Status }[] = [];
  for (const cst of state.contributions.values()) {
    if (cst.status !== Status.Pending) continue;
    const fresh = rng.chance(0.9);
    if (!fresh) continue; // some stay pending for a while
    const roll = rng.float();
    reviewed.push({ c: cst, status: roll < 0.86 ? Status.Accepted : Status.Rejected });
  }
  for (const { c: cst, status } of reviewed) {
    const owner = state.datanet(cst.datanetId).owner;
    const reason = reviewReason(rng);
    sender.queue(tx(owner, addr.datanets, encodeFunctionData({ abi: DatanetRegistryAbi, functionName: "reviewContribution", args: [cst.id, status, reason] }), GAS.review + strGas(reason), `reviewContribution(${cst.id})`));
    cst.status = status;
  }
  // Revocations in their own block: within one block anvil does not keep queue order across senders.
  await sender.flush();
  const all = [...state.contributions.values()];
  const revokeCount = Math.max(round > 0 ? 1 : 0, Math.round(all.length * 0.015));
  for (let i = 0; i < revokeCount && all.length; i++) {
    const cst = rng.pick(all);
    if (cst.status === Status.Revoked) continue;
    sender.queue(tx(cst.contributor, addr.datanets, encodeFunctionData({ abi: DatanetRegistryAbi, functionName: "revokeContribution", args: [cst.id] }), GAS.small, `revokeContribution(${cst.id})`));
    cst.status = Status.Revoked;
  }
  await sender.flush();
  return all;
}

/** D: training runs (every new model, then now and then; some claim a wrong root or count) and claims of real balances. */
async function trainAndClaim(r: Run, round: number, rng: Rng, datanetList: DatanetState[], datanetSampler: WeightedSampler): Promise<void> {
  const { sender, actors, addr, state } = r;
  const trainings: { model: bigint; datanets: bigint[]; honest: boolean }[] = [];
  let forcedDishonest = round === 1 || round === 2;
  for (const m of state.models.values()) {
    const untrainedAdapter = m.versions === 0 && m.parentId !== 0n && m.id % 4n === 0n; // rides on its parent's lineage
    const due = (m.versions === 0 && !untrainedAdapter) || rng.chance(0.2);
    if (!due || datanetList.length === 0) continue;
    const k = Math.min(datanetList.length, m.parentId === 0n ? rng.int(1, 3) : rng.int(1, 2));
    const picks = datanetSampler.sampleDistinct(rng, k).map((i) => datanetList[i]!.id);
    const honest = forcedDishonest ? false : !rng.chance(DISHONEST_TRAINING_RATE);
    // Round 1's first run claims a wrong root, round 2's a wrong count; later ones either.
    const wrongCount = round === 2 || (round !== 1 && rng.chance(0.5));
    forcedDishonest = false;
    const claim = state.honestClaim(picks);
    const root = honest || wrongCount ? claim.root : rng.bytes32();
    const count = honest || !wrongCount ? claim.count : claim.count + 1 + rng.int(0, 5);
    trainings.push({ model: m.id, datanets: picks, honest });
    sender.queue(tx(m.owner, addr.models, encodeFunctionData({ abi: ModelRegistryAbi, functionName: "recordTraining", args: [m.id, picks, root, count, rng.bytes32()] }), GAS.training(picks.length), `recordTraining(${m.id})`));
  }
  // Claims: read balances first, claim only real ones (to oneself, a cold wallet or a friend).
  if (round > 0) {
    const candidates = actors.all.filter(() => rng.chance(0.35));
    const balances = await r.rpc.batch<Hex>(candidates.map((a) => ({ method: "eth_call", params: [{ to: addr.engine, data: encodeFunctionData({ abi: AttributionEngineAbi, functionName: "claimable", args: [a] }) }, "latest"] })));
    candidates.forEach((a, i) => {
      if (BigInt(balances[i]!) === 0n) return;
      const roll = rng.float();
      const to = roll < 0.65 ? a : roll < 0.85 ? rng.pick(actors.coldWallets) : rng.pick(actors.all);
      sender.queue(tx(a, addr.engine, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "claim", args: [to] }), GAS.claim, `claim(${a})`));
      r.counts.claims++;
    });
  }
  const receipts = await sender.flush();
  trainings.forEach((t, i) => {
    const receipt = receipts[i]!;
    const log = logsOf(receipt, TOPICS.ModelTrained)[0];
    if (!log?.topics[1] || !log.topics[2]) throw new SimulationError(`recordTraining: no ModelTrained in ${receipt.transactionHash}`);
    const m = state.model(t.model);
    m.versions = Number(BigInt(log.topics[2]));
    for (const d of t.datanets) m.trained.add(d);
    r.trainingRuns.push({ modelId: String(BigInt(log.topics[1])), version: m.versions, honest: t.honest });
  });
}

/**
 * E: the round's inferences, popular models and contributions more often; a few planted to break
 * an audit rule (a contribution not accepted, or outside the model's training lineage), each
 * checked against the model's own audit. Pipelined: while a chunk is mined the next is built.
 */
async function recordInferences(r: Run, round: number, all: ContributionState[]): Promise<void> {
  const { sender, actors, addr, state, cfg, opts } = r;
  const target = round === cfg.rounds - 1 ? cfg.inferences - r.counts.inferences : r.plan.inferencesPerRound;
  const pools = [...state.models.values()]
    .map((m) => {
      const lineage = state.lineage(m.id);
      const ids = state.acceptedIn([...lineage]);
      const pool = ids.map((id) => state.contribution(id));
      return { m, lineage, pool, sampler: new WeightedSampler(pool.map((p) => p.popularity)) };
    })
    .filter((p) => p.pool.length > 0);
  if (pools.length === 0) return;
  const modelSampler = new WeightedSampler(pools.map((p) => p.m.popularity));
  const notAccepted = all.filter((x) => x.status !== Status.Accepted);
  const accepted = all.filter((x) => x.status === Status.Accepted);
  const irng = r.rootRng.fork(10_000 + round);
  const attestors = r.attestorRotation.filter((a) => r.attestorsActive.has(a));
  let inflight: Promise<void> | undefined;
  for (let done = 0; done < target; ) {
    // At least a dozen chunks (so a dozen timestamps) per round, at most INFERENCE_CHUNK each.
    const chunk = Math.min(INFERENCE_CHUNK, Math.ceil(target / 12), target - done);
    const planned: { outputHash: Hex; hits: RuleHit[] }[] = [];
    for (let i = 0; i < chunk; i++) {
      const p = pools[modelSampler.sample(irng)]!;
      const n = Math.min(r.attributionCount.sample(irng), p.pool.length, MAX_ATTRIBUTIONS);
      const chosen = p.sampler.sampleDistinct(irng, n).map((k) => p.pool[k]!);
      const plant = irng.chance(PLANT_RATE);
      if (plant) {
        const kind = irng.int(0, 2);
        const extra: ContributionState[] = [];
        if (kind !== 1 && notAccepted.length) extra.push(irng.pick(notAccepted));
        if (kind !== 0) {
          const outside = accepted.filter((x) => !p.lineage.has(x.datanetId));
          if (outside.length) extra.push(irng.pick(outside));
        }
        for (const e of extra) {
          if (chosen.some((x) => x.id === e.id)) continue;
          if (chosen.length >= MAX_ATTRIBUTIONS) chosen[irng.int(0, chosen.length - 1)] = e;
          else chosen.splice(irng.int(0, chosen.length), 0, e);
        }
      }
      const ids = chosen.map((x) => x.id);
      const weights = ppmWeights(chosen.map((x) => x.popularity * (0.3 + irng.float())));
      const hits = state.audit(p.m.id, ids, p.lineage);
      if (!plant && hits.length) throw new SimulationError(`internal: an honest inference broke ${hits.map((h) => h.rule).join(", ")}`);
      const feeValue = irng.chance(0.01) ? 0n : BigInt(irng.int(1, 5_000)) * 10n ** 15n + BigInt(irng.int(0, 999_999_999));
      const payer = actors.payers[r.payerSampler.sample(irng)]!;
      const attestor = attestors[r.attestorTurn++ % attestors.length]!;
      const method = irng.chance(0.9) ? p.m.method : p.m.method === 1 ? 2 : 1;
      const outputHash = keccak256(encodePacked(["uint256", "uint256"], [BigInt(opts.seed), BigInt(++r.outputCounter)]));
      planned.push({ outputHash, hits });
      r.counts.attributions += ids.length;
      sender.queue(tx(attestor, addr.engine, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "recordInference", args: [p.m.id, outputHash, payer, feeValue, method, ids, weights] }), inferenceGas(sender, ids.length), "recordInference"));
    }
    done += chunk;
    const reached = done;
    if (inflight) await inflight;
    inflight = sender.flush({ address: addr.engine, topic0: TOPICS.InferenceAttributed }).then((receipts) => {
      receipts.forEach((receipt, i) => {
        const log = logsOf(receipt, TOPICS.InferenceAttributed)[0];
        if (!log?.topics[1]) throw new SimulationError(`recordInference: no InferenceAttributed in ${receipt.transactionHash}`);
        const plan = planned[i]!;
        if (log.data.slice(0, 66).toLowerCase() !== plan.outputHash.toLowerCase()) throw new SimulationError(`recordInference: receipt ${receipt.transactionHash} is not for output ${plan.outputHash}`);
        if (plan.hits.length) r.violations.push({ outputHash: plan.outputHash, inferenceId: String(BigInt(log.topics[1])), rules: plan.hits });
      });
      r.counts.inferences += planned.length;
      r.timeline.fraction = (round + reached / target) / cfg.rounds;
      r.progress({ phase: "inferences", done: r.counts.inferences, total: cfg.inferences });
    });
  }
  if (inflight) await inflight;
}

/** The manifest of the run (firstBlock and stats are filled in by simulate()). */
function manifestOf(r: Run): Manifest {
  const { counts, sender } = r;
  r.violations.sort((x, y) => (BigInt(x.inferenceId) < BigInt(y.inferenceId) ? -1 : 1));
  return {
    seed: r.opts.seed,
    scale: r.opts.scale,
    inferences: counts.inferences,
    attributions: counts.attributions,
    accounts: r.actors.all,
    trainingRuns: r.trainingRuns,
    violations: r.violations,
    lastBlock: String(sender.lastBlock),
    firstBlock: "0",
    datanets: counts.datanets,
    contributions: r.state.contributions.size,
    models: counts.models,
    refusedSubmissions: counts.refusedSubmissions,
    claims: counts.claims,
    feeParamChanges: counts.feeParamChanges,
    stats: { seconds: 0, inferencesPerSecond: 0, blocks: 0, mode: sender.mode },
  };
}
