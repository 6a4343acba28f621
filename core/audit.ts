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

/** An accrual: predicted by the recomputed split, or emitted by the chain (RewardAccrued). */
export interface AccrualFact {
  account: string;
  role: number;
  amount: bigint;
}

/** The (account, role) an accrual is matched on. */
export const accrualKey = (a: { account: string; role: number }) => `${a.account.toLowerCase()}:${a.role}`;

/**
 * For each observed accrual, in the order given: it matches the split when the split predicted its
 * (account, role) with exactly its amount and it is the only one observed for that (account, role).
 */
export function matchAccruals(expected: readonly AccrualFact[], observed: readonly AccrualFact[]): boolean[] {
  const predicted = new Map(expected.map((a) => [accrualKey(a), a.amount]));
  const seen = new Map<string, number>();
  for (const a of observed) seen.set(accrualKey(a), (seen.get(accrualKey(a)) ?? 0) + 1);
  return observed.map((a) => predicted.get(accrualKey(a)) === a.amount && seen.get(accrualKey(a)) === 1);
}

/**
 * SPLIT_MISMATCH: the chain's accruals of an inference differ from the recomputed split, in
 * number, accounts, roles or amounts (a missing, extra, repeated or wrong accrual).
 */
export function splitMismatchOf(expected: readonly AccrualFact[], observed: readonly AccrualFact[]): boolean {
  if (expected.length !== observed.length) return true;
  return !matchAccruals(expected, observed).every(Boolean);
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

/**
 * The stored violations column read back, defensively (it is JSON): entries with an unknown rule or
 * no id list are dropped, and so are ids that are not decimal strings.
 */
export function loadViolations(stored: unknown): Violation[] {
  if (!Array.isArray(stored)) return [];
  const out: Violation[] = [];
  for (const v of stored as { rule?: unknown; contributionIds?: unknown }[]) {
    if (!v || typeof v !== "object" || !RULES.includes(v.rule as Rule) || !Array.isArray(v.contributionIds)) continue;
    const ids = v.contributionIds.filter((x): x is string => typeof x === "string" && /^[0-9]+$/.test(x));
    out.push({ rule: v.rule as Rule, contributionIds: ids.map((id) => BigInt(id)) });
  }
  return out;
}

const listed = (ids: readonly bigint[]) => `contribution${ids.length === 1 ? "" : "s"} ${ids.map((i) => `#${i}`).join(", ")}`;

/** Each rule's sentence for a reader, naming the contributions it concerns. */
export const RULE_MESSAGES: Record<Rule, (ids: readonly bigint[]) => string> = {
  CONTRIBUTION_NOT_ACCEPTED: (ids) => `${listed(ids)} ${ids.length === 1 ? "was" : "were"} not Accepted at the inference's block`,
  OUTSIDE_TRAINING_LINEAGE: (ids) => `${listed(ids)} ${ids.length === 1 ? "comes" : "come"} from a datanet no training run of the model or its ancestors used`,
  SPLIT_MISMATCH: () => "the RewardAccrued events differ from the split recomputed from the fee, the fee parameters then in force and the registries",
};

/** A violation with its sentence (what the API serves). */
export function explain(v: Violation): Violation & { message: string } {
  return { rule: v.rule, contributionIds: v.contributionIds, message: RULE_MESSAGES[v.rule](v.contributionIds) };
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
