/**
 * The audit rules of PROTOCOL.md ("What auditors ask of an inference", training verification),
 * as pure functions over facts the indexer has already gathered. No I/O.
 */
import type { Hex } from "viem";
import { sortedUnique, trainingRoot } from "./merkle.js";
import { Status } from "./roles.js";

export const RULES = ["CONTRIBUTION_NOT_ACCEPTED", "OUTSIDE_TRAINING_LINEAGE", "SPLIT_MISMATCH"] as const;
export type Rule = (typeof RULES)[number];

export interface Violation {
  rule: Rule;
  contributionIds: bigint[];
}

/** A violation as stored in the inference row (JSON has no bigint). */
export interface StoredViolation {
  rule: Rule;
  contributionIds: string[];
}

/** What the indexer knows about one attributed contribution at the inference. */
export interface AttributedFacts {
  contributionId: bigint;
  /** Status at the inference; null when the indexer never saw the contribution. */
  status: number | null;
  /** Its datanet; null when the indexer never saw the contribution. */
  datanetId: bigint | null;
}

/** Union of the training datanets of a model and its ancestors (each model's own runs). */
export function lineageDatanets(models: readonly { trainedDatanetIds: readonly bigint[] }[]): Set<bigint> {
  const out = new Set<bigint>();
  for (const m of models) for (const id of m.trainedDatanetIds) out.add(id);
  return out;
}

/**
 * CONTRIBUTION_NOT_ACCEPTED and OUTSIDE_TRAINING_LINEAGE for one inference, in attribution order.
 * An unknown contribution breaks both: the indexer cannot show it was accepted nor trained on.
 */
export function contributionRules(facts: readonly AttributedFacts[], lineage: ReadonlySet<bigint>): Violation[] {
  const notAccepted: bigint[] = [];
  const outside: bigint[] = [];
  for (const f of facts) {
    if (f.status !== Status.Accepted) notAccepted.push(f.contributionId);
    if (f.datanetId === null || !lineage.has(f.datanetId)) outside.push(f.contributionId);
  }
  const out: Violation[] = [];
  if (notAccepted.length > 0) out.push({ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: notAccepted });
  if (outside.length > 0) out.push({ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: outside });
  return out;
}

/** An expected accrual row as the RewardAccrued handler finds it (null: none predicted). */
export interface ExpectedAccrual {
  expected: boolean;
  observed: boolean;
  expectedAmount: bigint;
}

/**
 * Matches one observed RewardAccrued against the recomputed split: "match" when it was predicted
 * for that (inference, account, role), not yet observed, with exactly that amount.
 */
export function classifyAccrual(row: ExpectedAccrual | null, amount: bigint): "match" | "unexpected" {
  if (row === null || !row.expected || row.observed) return "unexpected";
  return row.expectedAmount === amount ? "match" : "unexpected";
}

/** Running tally of an inference's accruals against the recomputed split. */
export interface SplitTally {
  expected: number;
  matched: number;
  unexpected: number;
}

/** SPLIT_MISMATCH holds until every predicted accrual was observed exactly and nothing else was. */
export function splitMismatch(t: SplitTally): boolean {
  return t.matched !== t.expected || t.unexpected > 0;
}

/**
 * The inference verdict: the contribution rules plus SPLIT_MISMATCH (which names every attributed
 * contribution: the split is a property of the whole inference), sorted by rule.
 */
export function verdict(base: readonly Violation[], mismatch: boolean, attributed: readonly bigint[]): { clean: boolean; violations: Violation[] } {
  const violations = [...base];
  if (mismatch) violations.push({ rule: "SPLIT_MISMATCH", contributionIds: [...attributed] });
  violations.sort((a, b) => RULES.indexOf(a.rule) - RULES.indexOf(b.rule));
  return { clean: violations.length === 0, violations };
}

export function storeViolations(violations: readonly Violation[]): StoredViolation[] {
  return violations.map((v) => ({ rule: v.rule, contributionIds: v.contributionIds.map(String) }));
}

export function loadViolations(stored: unknown): Violation[] {
  if (!Array.isArray(stored)) return [];
  const out: Violation[] = [];
  for (const v of stored as { rule?: unknown; contributionIds?: unknown }[]) {
    if (!v || !RULES.includes(v.rule as Rule) || !Array.isArray(v.contributionIds)) continue;
    out.push({ rule: v.rule as Rule, contributionIds: v.contributionIds.map((id) => BigInt(id as string)) });
  }
  return out;
}

/** The training-run check: recompute root and count of the accepted set, compare with the claim. */
export function verifyTraining(args: { claimedRoot: Hex; claimedCount: number; acceptedIds: readonly bigint[] }): {
  recomputedRoot: Hex;
  recomputedCount: number;
  verified: boolean;
} {
  const unique = sortedUnique(args.acceptedIds);
  const recomputedRoot = trainingRoot(unique);
  const recomputedCount = unique.length;
  return {
    recomputedRoot,
    recomputedCount,
    verified: recomputedRoot.toLowerCase() === args.claimedRoot.toLowerCase() && recomputedCount === args.claimedCount,
  };
}
