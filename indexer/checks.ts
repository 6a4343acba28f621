/**
 * Test-only: the checks a contributor or an auditor would make of an indexed database, against
 * the chain's own views and the scenario's ground truth. Each returns a list of human-readable
 * discrepancies (empty = all good), so a failing test says exactly what is wrong.
 */
import type { Address, PublicClient } from "viem";
import { AttributionEngineAbi } from "../abis/index.js";
import type { DigestSource } from "./digest.js";
import { sqlRows } from "./testkit.js";

export interface Truth {
  /** inference id -> rules broken (absent or empty: clean). */
  verdicts: Map<bigint, { rule: string; contributionIds: bigint[] }[]>;
  /** When true, inferences absent from `verdicts` must be clean (a simulator manifest). */
  othersClean: boolean;
  trainingRuns: { modelId: bigint; version: number; honest: boolean }[];
  accounts: readonly Address[];
}

/** Every account (the truth's and every indexed one): indexed claimable == engine.claimable(). */
export async function claimableMismatches(source: DigestSource, client: PublicClient, engine: Address, accounts: readonly Address[]): Promise<string[]> {
  const rows = await sqlRows<{ address: string; claimable: string }>(source, `SELECT address::text, claimable::text FROM $schema."account"`);
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
    `SELECT i.id::text, i.fee::text, (SELECT sum(a.amount) FROM $schema."rewardAccrual" a WHERE a.inference_id = i.id AND a.observed)::text AS total
     FROM $schema."inference" i ORDER BY i.id`,
  );
  return rows.filter((r) => BigInt(r.total ?? "0") !== BigInt(r.fee)).map((r) => `inference ${r.id}: accruals ${r.total ?? 0} != fee ${r.fee}`);
}

/** Each contributor's per-contribution contributor cuts add up to its contributor-role accruals. */
export async function contributorMismatches(source: DigestSource): Promise<string[]> {
  const rows = await sqlRows<{ address: string; role_total: string; per_contribution: string | null }>(
    source,
    `SELECT a.address::text, a.accrued_contributor::text AS role_total,
            (SELECT sum(c.contributor_cut) FROM $schema."contribution" c WHERE c.contributor = a.address)::text AS per_contribution
     FROM $schema."account" a ORDER BY a.address`,
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

/** Exactly the planted inferences flagged, each with exactly its rules and contribution ids. */
export async function verdictMismatches(source: DigestSource, truth: Truth): Promise<string[]> {
  const rows = await sqlRows<{ id: string; clean: boolean; violations: unknown }>(source, `SELECT id::text, clean, violations FROM $schema."inference" ORDER BY id`);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    seen.add(r.id);
    const expected = truth.verdicts.get(BigInt(r.id));
    if (expected === undefined && !truth.othersClean) continue;
    const violations = (typeof r.violations === "string" ? JSON.parse(r.violations) : r.violations) as { rule: string; contributionIds: string[] }[];
    const want = canon(expected ?? []);
    const got = canon(violations);
    if (want !== got) out.push(`inference ${r.id}: violations ${got}, expected ${want}`);
    if (r.clean !== (violations.length === 0)) out.push(`inference ${r.id}: clean ${r.clean} but ${violations.length} violations`);
  }
  for (const id of truth.verdicts.keys()) if (!seen.has(String(id))) out.push(`inference ${id} not indexed`);
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
