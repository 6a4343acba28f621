/**
 * Test-only: the checks a contributor or an auditor would make of an indexed database, against
 * the chain's own views and the scenario's ground truth. Each returns a list of human-readable
 * discrepancies (empty = all good), so a failing test says exactly what is wrong.
 */
import type { Address, PublicClient } from "viem";
import { AttributionEngineAbi } from "../abis/index.js";
import type { DigestSource } from "../indexer/digest.js";
import { sqlRows } from "./indexer.js";
import { splitMismatchOf, type AccrualFact } from "../core/audit.js";

export interface Truth {
  /** inference id -> rules broken (absent or empty: clean). */
  verdicts: Map<bigint, { rule: string; contributionIds: bigint[] }[]>;
  /** When true, inferences absent from `verdicts` must be clean (a simulator manifest). */
  othersClean: boolean;
  trainingRuns: { modelId: bigint; version: number; honest: boolean }[];
  accounts: readonly Address[];
}

/**
 * Every account (the truth's and every indexed one): what the indexed facts say it can claim (its
 * accruals minus its claims) == engine.claimable().
 */
export async function claimableMismatches(source: DigestSource, client: PublicClient, engine: Address, accounts: readonly Address[]): Promise<string[]> {
  const rows = await sqlRows<{ address: string; claimable: string }>(
    source,
    `SELECT address::text, sum(amount)::text AS claimable FROM (
       SELECT account AS address, amount FROM $schema."rewardAccrual"
       UNION ALL SELECT account, -amount FROM $schema."rewardClaim") x GROUP BY address`,
  );
  const indexed = new Map(rows.map((r) => [r.address.toLowerCase(), BigInt(r.claimable)]));
  const all = new Set([...accounts.map((a) => a.toLowerCase()), ...indexed.keys()]);
  const out: string[] = [];
  for (const address of [...all].sort()) {
    const onChain = await client.readContract({ address: engine, abi: AttributionEngineAbi, functionName: "claimable", args: [address as Address] });
    const got = indexed.get(address) ?? 0n;
    if (got !== onChain) out.push(`claimable of ${address}: indexed ${got}, chain ${onChain}`);
  }
  return out;
}

/** Per inference, the observed accruals add up to the fee. */
export async function accrualSumMismatches(source: DigestSource): Promise<string[]> {
  const rows = await sqlRows<{ id: string; fee: string; total: string | null }>(
    source,
    `SELECT i.id::text, i.fee::text, (SELECT sum(a.amount) FROM $schema."rewardAccrual" a WHERE a.inference_id = i.id)::text AS total
     FROM $schema."inference" i ORDER BY i.id`,
  );
  return rows.filter((r) => BigInt(r.total ?? "0") !== BigInt(r.fee)).map((r) => `inference ${r.id}: accruals ${r.total ?? 0} != fee ${r.fee}`);
}

/** Each contributor's contributor cuts (over the attributions to its contributions) add up to its contributor-role accruals. */
export async function contributorMismatches(source: DigestSource): Promise<string[]> {
  const rows = await sqlRows<{ address: string; role_total: string; per_contribution: string | null }>(
    source,
    `SELECT r.address::text, r.role_total::text, (SELECT sum(a.contributor_cut) FROM $schema."attribution" a WHERE a.contributor = r.address)::text AS per_contribution
     FROM (SELECT account AS address, sum(amount) AS role_total FROM $schema."rewardAccrual" WHERE role = 3 GROUP BY account) r ORDER BY r.address`,
  );
  return rows
    .filter((r) => BigInt(r.per_contribution ?? "0") !== BigInt(r.role_total))
    .map((r) => `contributor ${r.address}: contributions earned ${r.per_contribution ?? 0}, contributor accruals ${r.role_total}`);
}

/** Training runs verified exactly when honest, and no run missing or extra. */
export async function trainingMismatches(source: DigestSource, truth: Truth): Promise<string[]> {
  const rows = await sqlRows<{ model_id: string; version: number; verified: boolean }>(source, `SELECT model_id::text, version, verified FROM $schema."trainingRun"`);
  const indexed = new Map(rows.map((r) => [`${r.model_id}/${r.version}`, r.verified]));
  const out: string[] = [];
  for (const run of truth.trainingRuns) {
    const key = `${run.modelId}/${run.version}`;
    if (!indexed.has(key)) out.push(`training run ${key} not indexed`);
    else if (indexed.get(key) !== run.honest) out.push(`training run ${key}: verified ${indexed.get(key)}, honest ${run.honest}`);
    indexed.delete(key);
  }
  for (const key of indexed.keys()) out.push(`training run ${key} indexed but not in the scenario`);
  return out;
}

const canon = (rules: { rule: string; contributionIds: (bigint | string)[] }[]) =>
  JSON.stringify(
    [...rules]
      .map((r) => ({ rule: r.rule, ids: r.contributionIds.map(String).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)) }))
      .sort((a, b) => (a.rule < b.rule ? -1 : 1)),
  );

/**
 * Each indexed inference's rules broken: the stored contribution rules, plus SPLIT_MISMATCH from
 * its emitted against its predicted accruals (core/audit.ts).
 */
export async function indexedVerdicts(source: DigestSource): Promise<Map<string, { rule: string; contributionIds: string[] }[]>> {
  const rows = await sqlRows<{ id: string; violations: unknown; ids: string[] | string }>(source, `SELECT id::text, violations, contribution_ids::text[] AS ids FROM $schema."inference" ORDER BY id`);
  const accruals = await sqlRows<{ id: string; account: string; role: number; amount: string; predicted: boolean }>(
    source,
    `SELECT inference_id::text AS id, account::text, role, amount::text, false AS predicted FROM $schema."rewardAccrual"
     UNION ALL SELECT inference_id::text, account::text, role, amount::text, true FROM $schema."accrualExpectation"`,
  );
  const split = new Map<string, { expected: AccrualFact[]; observed: AccrualFact[] }>();
  for (const a of accruals) {
    const entry = split.get(a.id) ?? { expected: [], observed: [] };
    (a.predicted ? entry.expected : entry.observed).push({ account: a.account, role: Number(a.role), amount: BigInt(a.amount) });
    split.set(a.id, entry);
  }
  const out = new Map<string, { rule: string; contributionIds: string[] }[]>();
  for (const r of rows) {
    const stored = (typeof r.violations === "string" ? JSON.parse(r.violations) : r.violations) as { rule: string; contributionIds: string[] }[];
    const s = split.get(r.id) ?? { expected: [], observed: [] };
    const ids = (Array.isArray(r.ids) ? r.ids : String(r.ids).replace(/[{}]/g, "").split(",").filter(Boolean)).map(String);
    out.set(r.id, splitMismatchOf(s.expected, s.observed) ? [...stored, { rule: "SPLIT_MISMATCH", contributionIds: ids }] : stored);
  }
  return out;
}

/** Exactly the planted inferences flagged, each with exactly its rules and contribution ids. */
export async function verdictMismatches(source: DigestSource, truth: Truth): Promise<string[]> {
  const verdicts = await indexedVerdicts(source);
  const out: string[] = [];
  for (const [id, violations] of verdicts) {
    const expected = truth.verdicts.get(BigInt(id));
    if (expected === undefined && !truth.othersClean) continue;
    const want = canon(expected ?? []);
    const got = canon(violations);
    if (want !== got) out.push(`inference ${id}: violations ${got}, expected ${want}`);
  }
  for (const id of truth.verdicts.keys()) if (!verdicts.has(String(id))) out.push(`inference ${id} not indexed`);
  return out;
}

export async function allMismatches(source: DigestSource, client: PublicClient, engine: Address, truth: Truth): Promise<string[]> {
  return [
    ...(await claimableMismatches(source, client, engine, truth.accounts)),
    ...(await accrualSumMismatches(source)),
    ...(await contributorMismatches(source)),
    ...(await trainingMismatches(source, truth)),
    ...(await verdictMismatches(source, truth)),
  ];
}
