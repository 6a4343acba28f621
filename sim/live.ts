/**
 * Live activity for `npm start`: after a scenario, a few inferences a minute (and now and then a
 * contribution, a review or a claim) so the explorer has something new to show. Anvil only: it acts
 * as the chain's users by impersonation. State is rebuilt from the registries' events at start.
 */
import { decodeEventLog, encodeFunctionData, getAddress, keccak256, encodePacked, type Address, type Hex } from "viem";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import type { Deployment } from "../chain/deployment.js";
import { MAX_ATTRIBUTIONS, Status } from "../core/roles.js";
import { ChainModel } from "./model.js";
import { inspectNode } from "./node.js";
import { countSampler, ppmWeights, Rng, WeightedSampler } from "../core/rng.js";
import { Rpc } from "./rpc.js";
import { SimulationError, type RpcLog, type RpcReceipt } from "./sender.js";

export interface LiveActivityOptions {
  rpcUrl: string;
  deployment: Deployment;
  seed: number;
  /** Actions per minute (default 4). */
  perMinute?: number;
  /** Called on a failed action (default: one line on stderr); the activity keeps going. */
  onError?: (err: Error) => void;
  /** Called after each action with a short description. */
  onAction?: (what: string) => void;
}

const toHex = (n: bigint | number) => `0x${n.toString(16)}`;
const LOG_CHUNK = 50_000n;

/** Rebuilds the registries' state (datanets, allow-lists, contributions, models, training lineage) from their events. */
export async function loadChainModel(rpc: Rpc, deployment: Deployment): Promise<{ state: ChainModel; latest: bigint }> {
  const state = new ChainModel();
  const latest = BigInt(await rpc.call<Hex>("eth_blockNumber"));
  const from = BigInt(Math.min(deployment.contracts.DatanetRegistry.startBlock, deployment.contracts.ModelRegistry.startBlock));
  const addresses = [deployment.contracts.DatanetRegistry.address, deployment.contracts.ModelRegistry.address];
  for (let start = from; start <= latest; start += LOG_CHUNK) {
    const end = start + LOG_CHUNK - 1n < latest ? start + LOG_CHUNK - 1n : latest;
    const logs = await rpc.call<RpcLog[]>("eth_getLogs", [{ fromBlock: toHex(start), toBlock: toHex(end), address: addresses }]);
    for (const log of logs) {
      const isDatanets = log.address.toLowerCase() === addresses[0]!.toLowerCase();
      let ev;
      try {
        ev = decodeEventLog({ abi: isDatanets ? DatanetRegistryAbi : ModelRegistryAbi, topics: log.topics as [Hex, ...Hex[]], data: log.data });
      } catch {
        continue;
      }
      switch (ev.eventName) {
        case "DatanetCreated": {
          const a = ev.args;
          state.datanets.set(a.datanetId, { id: a.datanetId, owner: a.owner, ownerShareBps: a.ownerShareBps, permissioned: a.permissioned, allowed: new Set(), contentHashes: new Set(), contributions: [], popularity: 1 / Number(a.datanetId) });
          break;
        }
        case "ContributorAllowlistUpdated": {
          const d = state.datanets.get(ev.args.datanetId);
          if (d) ev.args.allowed ? d.allowed.add(ev.args.account.toLowerCase()) : d.allowed.delete(ev.args.account.toLowerCase());
          break;
        }
        case "ContributionSubmitted": {
          const a = ev.args;
          const d = state.datanets.get(a.datanetId);
          if (!d) break;
          d.contributions.push(a.contributionId);
          d.contentHashes.add(a.contentHash);
          state.contributions.set(a.contributionId, { id: a.contributionId, datanetId: a.datanetId, contributor: a.contributor, status: Status.Pending, popularity: d.popularity / (1 + d.contributions.length / 10) });
          break;
        }
        case "ContributionReviewed": {
          const c = state.contributions.get(ev.args.contributionId);
          if (c) c.status = ev.args.status as Status;
          break;
        }
        case "ContributionRevoked": {
          const c = state.contributions.get(ev.args.contributionId);
          if (c) c.status = Status.Revoked;
          break;
        }
        case "ModelRegistered": {
          const a = ev.args;
          state.models.set(a.modelId, { id: a.modelId, owner: a.owner, parentId: a.parentModelId, trained: new Set(), versions: 0, method: Number(a.modelId % 2n) === 0 ? 2 : 1, popularity: 1 / Number(a.modelId) });
          break;
        }
        case "ModelTrained": {
          const m = state.models.get(ev.args.modelId);
          if (!m) break;
          m.versions = ev.args.version;
          for (const d of ev.args.datanetIds) m.trained.add(d);
          break;
        }
      }
    }
  }
  return { state, latest };
}

export async function startLiveActivity(opts: LiveActivityOptions): Promise<{ stop(): Promise<void> }> {
  const rpc = new Rpc(opts.rpcUrl);
  const node = await inspectNode(rpc);
  if (!node.anvil) throw new SimulationError(`live activity needs anvil (it acts as users by impersonation); ${opts.rpcUrl} is ${node.clientVersion}`);
  if (node.chainId !== opts.deployment.chainId) throw new SimulationError(`the deployment is for chain ${opts.deployment.chainId} but ${opts.rpcUrl} is chain ${node.chainId}`);
  const c = opts.deployment.contracts;
  const perMinute = opts.perMinute ?? 4;
  if (!(perMinute > 0)) throw new SimulationError(`perMinute must be positive, got ${perMinute}`);
  const rng = new Rng(opts.seed, 7_777);
  const onError = opts.onError ?? ((e: Error) => console.error(`live activity: ${e.message}`));
  const { state } = await loadChainModel(rpc, opts.deployment);

  const call = async (to: Address, data: Hex) => rpc.call<Hex>("eth_call", [{ to, data }, "latest"]);
  const admin = getAddress(`0x${(await call(c.AttributionEngine.address, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "admin" }))).slice(-40)}`);
  const tokenOwner = getAddress(`0x${(await call(c.OpenToken.address, encodeFunctionData({ abi: OpenTokenAbi, functionName: "owner" }))).slice(-40)}`);
  const impersonated = new Set<string>();

  const send = async (from: Address, to: Address, data: Hex, gas: bigint): Promise<RpcReceipt> => {
    if (!impersonated.has(from.toLowerCase())) {
      await rpc.call("anvil_impersonateAccount", [from]);
      const bal = BigInt(await rpc.call<Hex>("eth_getBalance", [from, "latest"]));
      if (bal < 10n ** 18n) await rpc.call("anvil_setBalance", [from, toHex(10n ** 21n)]);
      impersonated.add(from.toLowerCase());
    }
    const hash = await rpc.call<Hex>("eth_sendTransaction", [{ from, to, data, gas: toHex(gas) }]);
    if ((await rpc.tryCall<boolean>("anvil_getAutomine")) === false) await rpc.call("evm_mine");
    for (let i = 0; i < 100; i++) {
      const r = await rpc.call<RpcReceipt | null>("eth_getTransactionReceipt", [hash]);
      if (r) {
        if (r.status !== "0x1") throw new SimulationError(`transaction ${hash} reverted`);
        return r;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new SimulationError(`transaction ${hash} was not mined within 10 s; is the node mining?`);
  };

  // A payer of our own, funded and approving the engine; the admin attests.
  const payer = getAddress(`0x${keccak256(encodePacked(["string", "uint256"], ["openledger-live-payer", BigInt(opts.seed)])).slice(-40)}`);
  const contributor = getAddress(`0x${keccak256(encodePacked(["string", "uint256"], ["openledger-live-contributor", BigInt(opts.seed)])).slice(-40)}`);
  await send(tokenOwner, c.OpenToken.address, encodeFunctionData({ abi: OpenTokenAbi, functionName: "mint", args: [payer, 10n ** 24n] }), 120_000n);
  await send(payer, c.OpenToken.address, encodeFunctionData({ abi: OpenTokenAbi, functionName: "approve", args: [c.AttributionEngine.address, (1n << 256n) - 1n] }), 90_000n);
  const isAttestor = BigInt(await call(c.AttributionEngine.address, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "isAttestor", args: [admin] })));
  if (isAttestor === 0n) await send(admin, c.AttributionEngine.address, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "setAttestor", args: [admin, true] }), 90_000n);

  const counter = countSampler(64, 1.55);
  let n = 0;

  const inference = async () => {
    const pools = [...state.models.values()]
      .map((m) => {
        const lineage = state.lineage(m.id);
        return { m, pool: state.acceptedIn([...lineage]).map((id) => state.contribution(id)) };
      })
      .filter((p) => p.pool.length > 0);
    if (pools.length === 0) return "no trained model with accepted contributions yet";
    const p = pools[new WeightedSampler(pools.map((x) => x.m.popularity)).sample(rng)]!;
    const chosen = new WeightedSampler(p.pool.map((x) => x.popularity)).sampleDistinct(rng, Math.min(counter.sample(rng), MAX_ATTRIBUTIONS)).map((i) => p.pool[i]!);
    const ids = chosen.map((x) => x.id);
    const weights = ppmWeights(chosen.map((x) => x.popularity * (0.3 + rng.float())));
    const fee = BigInt(rng.int(1, 3_000)) * 10n ** 15n + BigInt(rng.int(0, 999_999));
    const outputHash = keccak256(encodePacked(["string", "uint256", "uint256", "uint256"], ["live", BigInt(opts.seed), BigInt(Date.now()), BigInt(++n)]));
    const gas = 120_000n + 40_000n * BigInt(ids.length) + 100n * BigInt(ids.length) ** 2n;
    await send(admin, c.AttributionEngine.address, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "recordInference", args: [p.m.id, outputHash, payer, fee, p.m.method, ids, weights] }), gas);
    return `inference on model ${p.m.id} with ${ids.length} attributions`;
  };

  const contribute = async () => {
    const open = [...state.datanets.values()].filter((d) => !d.permissioned);
    if (!open.length) return inference();
    const d = rng.pick(open);
    const hash = rng.bytes32();
    const r = await send(contributor, c.DatanetRegistry.address, encodeFunctionData({ abi: DatanetRegistryAbi, functionName: "submitContribution", args: [d.id, hash, `ipfs://live-${hash.slice(2, 20)}`, BigInt(rng.int(1, 1_000_000))] }), 250_000n);
    const id = BigInt(r.logs[0]?.topics[1] ?? "0x0");
    if (id === 0n) throw new SimulationError("submitContribution emitted no event");
    d.contributions.push(id);
    d.contentHashes.add(hash);
    state.contributions.set(id, { id, datanetId: d.id, contributor, status: Status.Pending, popularity: d.popularity });
    return `contribution ${id} to datanet ${d.id}`;
  };

  const review = async () => {
    const pending = [...state.contributions.values()].filter((x) => x.status === Status.Pending);
    if (!pending.length) return inference();
    const x = rng.pick(pending);
    const status = rng.chance(0.85) ? Status.Accepted : Status.Rejected;
    await send(state.datanet(x.datanetId).owner, c.DatanetRegistry.address, encodeFunctionData({ abi: DatanetRegistryAbi, functionName: "reviewContribution", args: [x.id, status, status === Status.Accepted ? "ok" : "low quality"] }), 120_000n);
    x.status = status;
    return `review of contribution ${x.id}`;
  };

  const claim = async () => {
    const accounts = [...new Set([...state.contributions.values()].map((x) => x.contributor))];
    if (!accounts.length) return inference();
    const who = rng.pick(accounts);
    const bal = BigInt(await call(c.AttributionEngine.address, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "claimable", args: [who] })));
    if (bal === 0n) return inference();
    await send(who, c.AttributionEngine.address, encodeFunctionData({ abi: AttributionEngineAbi, functionName: "claim", args: [who] }), 120_000n);
    return `claim by ${who}`;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = (async () => {
      const roll = rng.float();
      try {
        const what = await (roll < 0.85 ? inference() : roll < 0.9 ? contribute() : roll < 0.95 ? review() : claim());
        opts.onAction?.(what);
      } catch (e) {
        onError(e instanceof Error ? e : new Error(String(e)));
      }
    })();
    void running.then(() => {
      if (!stopped) timer = setTimeout(tick, (60_000 / perMinute) * (0.5 + rng.float()));
    });
  };
  timer = setTimeout(tick, (60_000 / perMinute) * rng.float());

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      for (const a of impersonated) await rpc.tryCall("anvil_stopImpersonatingAccount", [a]);
    },
  };
}
