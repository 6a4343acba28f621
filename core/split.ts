/**
 * The fee split of PROTOCOL.md, exact to the base unit. No I/O: the contract, the simulator,
 * the indexer and the tests all agree because they all use (or are checked against) this.
 */
import { BPS, PPM, Role } from "./roles.js";

export type Address = `0x${string}`;

export interface FeeParams {
  protocolFeeBps: number;
  modelOwnerShareBps: number;
  treasury: Address;
}

/** One attributed contribution with what the registries say about it at the inference. */
export interface AttributionInput {
  contributionId: bigint;
  weightPpm: number;
  datanetId: bigint;
  datanetOwner: Address;
  ownerShareBps: number;
  contributor: Address;
}

export interface SplitLine extends AttributionInput {
  share: bigint;
  ownerCut: bigint;
  contributorCut: bigint;
}

export interface Accrual {
  account: Address;
  role: Role;
  amount: bigint;
}

export interface Split {
  protocol: bigint;
  modelOwner: bigint;
  pool: bigint;
  dust: bigint;
  lines: SplitLine[];
  /** Summed per (account, role), in order of first appearance, zero sums left out: one RewardAccrued each. */
  accruals: Accrual[];
}

export function splitFee(args: {
  fee: bigint;
  params: FeeParams;
  modelOwner: Address;
  attributions: readonly AttributionInput[];
}): Split {
  const { fee, params, modelOwner, attributions } = args;
  const protocol = (fee * BigInt(params.protocolFeeBps)) / BigInt(BPS);
  const modelOwnerAmount = (fee * BigInt(params.modelOwnerShareBps)) / BigInt(BPS);
  const pool = fee - protocol - modelOwnerAmount;

  const sums = new Map<string, Accrual>();
  const credit = (account: Address, role: Role, amount: bigint) => {
    const key = `${account.toLowerCase()}:${role}`;
    const existing = sums.get(key);
    if (existing) existing.amount += amount;
    else sums.set(key, { account, role, amount });
  };
  credit(params.treasury, Role.Treasury, protocol);
  credit(modelOwner, Role.ModelOwner, modelOwnerAmount);

  let distributed = 0n;
  const lines = attributions.map((a) => {
    const share = (pool * BigInt(a.weightPpm)) / BigInt(PPM);
    const ownerCut = (share * BigInt(a.ownerShareBps)) / BigInt(BPS);
    const contributorCut = share - ownerCut;
    distributed += share;
    credit(a.datanetOwner, Role.DatanetOwner, ownerCut);
    credit(a.contributor, Role.Contributor, contributorCut);
    return { ...a, share, ownerCut, contributorCut };
  });
  const dust = pool - distributed;
  credit(params.treasury, Role.Treasury, dust);

  return {
    protocol,
    modelOwner: modelOwnerAmount,
    pool,
    dust,
    lines,
    accruals: [...sums.values()].filter((a) => a.amount !== 0n),
  };
}

/** Compares observed accruals with the recomputed ones, ignoring order and address case. */
export function accrualsMatch(expected: readonly Accrual[], observed: readonly Accrual[]): boolean {
  if (expected.length !== observed.length) return false;
  const key = (a: Accrual) => `${a.account.toLowerCase()}:${a.role}:${a.amount}`;
  const want = expected.map(key).sort();
  const got = observed.map(key).sort();
  return want.every((k, i) => k === got[i]);
}
