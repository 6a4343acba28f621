/**
 * Reads the protocol's events back from the chain and replays them independently of the simulator:
 * balances per account, the fee split recomputed with core/split.ts, the audit rules and training
 * verification rebuilt from the registries' events. Used by the simulator's tests to check the
 * chain (and the manifest) against the spec; a digest of all events checks determinism.
 */
import { decodeEventLog, keccak256, stringToHex, type Address, type Hex } from "viem";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import type { Deployment } from "../chain/deployment.js";
import { contributionRules, lineageDatanets } from "../core/audit.js";
import { merkleRoot } from "../core/merkle.js";
import { Status } from "../core/roles.js";
import { accrualsMatch, splitFee, type Accrual, type FeeParams } from "../core/split.js";
import { ChainModel, type RuleCode, type RuleHit } from "./model.js";
import type { Rpc } from "./rpc.js";
import type { RpcLog } from "./sender.js";

const toHex = (n: bigint) => `0x${n.toString(16)}`;

/** Every log of the four contracts in [from, to], in chain order. */
export async function readProtocolLogs(rpc: Rpc, deployment: Deployment, from: bigint, to: bigint, chunk = 2_000n): Promise<RpcLog[]> {
  const address = Object.values(deployment.contracts).map((c) => c.address);
  const out: RpcLog[] = [];
  for (let start = from; start <= to; start += chunk) {
    const end = start + chunk - 1n < to ? start + chunk - 1n : to;
    out.push(...(await rpc.call<RpcLog[]>("eth_getLogs", [{ fromBlock: toHex(start), toBlock: toHex(end), address }])));
  }
  return out;
}

/** keccak256 over every log's block, index, address, topics and data: equal digests, equal histories. */
export function eventDigest(logs: readonly RpcLog[]): Hex {
  let acc: Hex = `0x${"0".repeat(64)}`;
  for (const l of logs) {
    acc = keccak256(stringToHex(`${acc}|${BigInt(l.blockNumber)}|${BigInt(l.logIndex)}|${l.address.toLowerCase()}|${l.topics.join(",").toLowerCase()}|${l.data.toLowerCase()}`));
  }
  return acc;
}

export interface ReplayedInference {
  inferenceId: bigint;
  modelId: bigint;
  outputHash: Hex;
  fee: bigint;
  method: number;
  contributionIds: readonly bigint[];
  accrued: Accrual[];
  expected: Accrual[];
  rules: RuleHit[];
}

export interface Replay {
  inferences: ReplayedInference[];
  /** Per lower-cased account: sum(RewardAccrued) - sum(RewardClaimed). */
  balances: Map<string, bigint>;
  claims: { account: Address; to: Address; amount: bigint }[];
  trainingRuns: { modelId: bigint; version: number; verified: boolean }[];
  feeChanges: FeeParams[];
  datanets: { id: bigint; name: string; metadataURI: string; ownerShareBps: number; permissioned: boolean }[];
  models: { id: bigint; parentModelId: bigint }[];
}

/**
 * The audit rules of an inference recorded now, decided as the indexer decides them (core/audit.ts
 * over the replayed registries), not by the simulator's own ChainModel.audit, which wrote the
 * manifest: comparing the two compares two implementations of the rules. Ids ascending, as text.
 */
function indexerRules(state: ChainModel, modelId: bigint, ids: readonly bigint[]): RuleHit[] {
  const lineage = lineageDatanets(state.ancestry(modelId).map((m) => ({ trainedDatanetIds: [...m.trained] })));
  const facts = ids.map((id) => {
    const c = state.contribution(id);
    return { contributionId: id, status: c.status, datanetId: c.datanetId };
  });
  return contributionRules(facts, lineage).map((v) => ({
    rule: v.rule as RuleCode,
    contributionIds: [...v.contributionIds].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)).map(String),
  }));
}

/** Replays the logs (in chain order) as an auditor would, from the spec alone. */
export function replay(logs: readonly RpcLog[], deployment: Deployment): Replay {
  const c = deployment.contracts;
  const abiOf = new Map<string, readonly unknown[]>([
    [c.OpenToken.address.toLowerCase(), OpenTokenAbi],
    [c.DatanetRegistry.address.toLowerCase(), DatanetRegistryAbi],
    [c.ModelRegistry.address.toLowerCase(), ModelRegistryAbi],
    [c.AttributionEngine.address.toLowerCase(), AttributionEngineAbi],
  ]);
  const state = new ChainModel();
  const out: Replay = { inferences: [], balances: new Map(), claims: [], trainingRuns: [], feeChanges: [], datanets: [], models: [] };
  let params: FeeParams | undefined;
  let current: ReplayedInference | undefined;
  const credit = (a: string, amount: bigint) => out.balances.set(a.toLowerCase(), (out.balances.get(a.toLowerCase()) ?? 0n) + amount);

  for (const log of logs) {
    const abi = abiOf.get(log.address.toLowerCase());
    if (!abi) continue;
    const ev = decodeEventLog({ abi: abi as typeof AttributionEngineAbi, topics: log.topics as [Hex, ...Hex[]], data: log.data }) as unknown as { eventName: string; args: Record<string, never> };
    const a = ev.args as Record<string, any>;
    switch (ev.eventName) {
      case "DatanetCreated":
        state.datanets.set(a.datanetId, { id: a.datanetId, owner: a.owner, ownerShareBps: a.ownerShareBps, permissioned: a.permissioned, allowed: new Set(), contentHashes: new Set(), contributions: [], popularity: 1 });
        out.datanets.push({ id: a.datanetId, name: a.name, metadataURI: a.metadataURI, ownerShareBps: a.ownerShareBps, permissioned: a.permissioned });
        break;
      case "ContributionSubmitted":
        state.contributions.set(a.contributionId, { id: a.contributionId, datanetId: a.datanetId, contributor: a.contributor, status: Status.Pending, popularity: 1 });
        state.datanet(a.datanetId).contributions.push(a.contributionId);
        break;
      case "ContributionReviewed":
        state.contribution(a.contributionId).status = a.status;
        break;
      case "ContributionRevoked":
        state.contribution(a.contributionId).status = Status.Revoked;
        break;
      case "ModelRegistered":
        state.models.set(a.modelId, { id: a.modelId, owner: a.owner, parentId: a.parentModelId, trained: new Set(), versions: 0, method: 1, popularity: 1 });
        out.models.push({ id: a.modelId, parentModelId: a.parentModelId });
        break;
      case "ModelTrained": {
        const claim = state.acceptedIn(a.datanetIds);
        const verified = claim.length === Number(a.contributionCount) && merkleRoot(claim).toLowerCase() === String(a.contributionsRoot).toLowerCase();
        out.trainingRuns.push({ modelId: a.modelId, version: Number(a.version), verified });
        for (const d of a.datanetIds as bigint[]) state.model(a.modelId).trained.add(d);
        break;
      }
      case "FeeParamsUpdated":
        params = { protocolFeeBps: a.protocolFeeBps, modelOwnerShareBps: a.modelOwnerShareBps, treasury: a.treasury };
        out.feeChanges.push(params);
        break;
      case "InferenceAttributed": {
        if (!params) throw new Error("InferenceAttributed before any FeeParamsUpdated");
        const ids = a.contributionIds as readonly bigint[];
        const weights = a.weightsPpm as readonly number[];
        const split = splitFee({
          fee: a.fee,
          params,
          modelOwner: state.model(a.modelId).owner,
          attributions: ids.map((id, i) => {
            const ct = state.contribution(id);
            const d = state.datanet(ct.datanetId);
            return { contributionId: id, weightPpm: weights[i]!, datanetId: d.id, datanetOwner: d.owner, ownerShareBps: d.ownerShareBps, contributor: ct.contributor };
          }),
        });
        current = { inferenceId: a.inferenceId, modelId: a.modelId, outputHash: a.outputHash, fee: a.fee, method: a.method, contributionIds: ids, accrued: [], expected: split.accruals, rules: indexerRules(state, a.modelId, ids) };
        out.inferences.push(current);
        break;
      }
      case "RewardAccrued":
        if (!current || current.inferenceId !== a.inferenceId) throw new Error(`RewardAccrued for inference ${a.inferenceId} outside its transaction`);
        current.accrued.push({ account: a.account, role: a.role, amount: a.amount });
        credit(a.account, a.amount);
        break;
      case "RewardClaimed":
        out.claims.push({ account: a.account, to: a.to, amount: a.amount });
        credit(a.account, 0n - (a.amount as bigint));
        break;
    }
  }
  return out;
}

export { accrualsMatch };
