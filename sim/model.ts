/**
 * The simulator's own model of the registries, kept in step with what it sent (and checked against
 * receipts), and the audit rules of PROTOCOL.md evaluated on it. No I/O.
 */
import type { Address, Hex } from "viem";
import { merkleRoot } from "../core/merkle.js";
import { Status } from "../core/roles.js";
import type { Rule } from "../core/audit.js";

export interface DatanetState {
  id: bigint;
  owner: Address;
  ownerShareBps: number;
  permissioned: boolean;
  allowed: Set<string>;
  contentHashes: Set<string>;
  /** Ids of contributions in this datanet, in id order. */
  contributions: bigint[];
  /** Popularity weight: a few datanets dominate. */
  popularity: number;
}

export interface ContributionState {
  id: bigint;
  datanetId: bigint;
  contributor: Address;
  status: Status;
  popularity: number;
}

export interface ModelState {
  id: bigint;
  owner: Address;
  parentId: bigint;
  /** Datanets named by this model's own training runs. */
  trained: Set<bigint>;
  versions: number;
  method: 1 | 2;
  popularity: number;
}

/** The rules a correct contract lets an inference break (SPLIT_MISMATCH needs a wrong split). */
export type RuleCode = Exclude<Rule, "SPLIT_MISMATCH">;

export interface RuleHit {
  rule: RuleCode;
  contributionIds: string[];
}

export class ChainModel {
  readonly datanets = new Map<bigint, DatanetState>();
  readonly contributions = new Map<bigint, ContributionState>();
  readonly models = new Map<bigint, ModelState>();

  datanet(id: bigint): DatanetState {
    const d = this.datanets.get(id);
    if (!d) throw new Error(`model has no datanet ${id}`);
    return d;
  }

  contribution(id: bigint): ContributionState {
    const c = this.contributions.get(id);
    if (!c) throw new Error(`model has no contribution ${id}`);
    return c;
  }

  model(id: bigint): ModelState {
    const m = this.models.get(id);
    if (!m) throw new Error(`model has no model ${id}`);
    return m;
  }

  /** The model, then its parentModelId ancestors, nearest first (a known model each). */
  ancestry(modelId: bigint): ModelState[] {
    const out: ModelState[] = [];
    const seen = new Set<bigint>();
    for (let id = modelId; id !== 0n && !seen.has(id); ) {
      seen.add(id);
      const m = this.models.get(id);
      if (!m) break;
      out.push(m);
      id = m.parentId;
    }
    return out;
  }

  /** Datanets of every training run of the model and its parentModelId ancestors. */
  lineage(modelId: bigint): Set<bigint> {
    const out = new Set<bigint>();
    for (const m of this.ancestry(modelId)) for (const d of m.trained) out.add(d);
    return out;
  }

  /** Accepted (and so not revoked) contributions of the datanets, ascending. */
  acceptedIn(datanetIds: readonly bigint[]): bigint[] {
    const out: bigint[] = [];
    for (const d of new Set(datanetIds)) {
      for (const c of this.datanet(d).contributions) if (this.contribution(c).status === Status.Accepted) out.push(c);
    }
    return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** What an honest training run on these datanets claims now: Merkle root and count. */
  honestClaim(datanetIds: readonly bigint[]): { root: Hex; count: number } {
    const ids = this.acceptedIn(datanetIds);
    return { root: merkleRoot(ids), count: ids.length };
  }

  /** The PROTOCOL.md audit rules for an inference recorded now (SPLIT_MISMATCH cannot arise from a correct contract). */
  audit(modelId: bigint, contributionIds: readonly bigint[], lineage = this.lineage(modelId)): RuleHit[] {
    const notAccepted: bigint[] = [];
    const outside: bigint[] = [];
    for (const id of contributionIds) {
      const c = this.contribution(id);
      if (c.status !== Status.Accepted) notAccepted.push(id);
      if (!lineage.has(c.datanetId)) outside.push(id);
    }
    const hits: RuleHit[] = [];
    const asc = (xs: bigint[]) => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
    if (notAccepted.length) hits.push({ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: asc(notAccepted) });
    if (outside.length) hits.push({ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: asc(outside) });
    return hits;
  }
}
