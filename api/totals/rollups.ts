/**
 * Every total the API serves, defined once as SQL over the indexed facts (ponder.schema.ts), and
 * the SQL that keeps and reads their rollups. No I/O: this module builds statements.
 *
 * A rollup sums facts per key: what each fact adds to which key, at which block (its sources).
 * Two tables per rollup hold the finalized past (api/totals/advance.ts writes them):
 * - `r_<name>`: versions, one row per key and block where the key changed, holding the key's
 *   running totals after that block (so "as of block N" is one index seek: the latest version at
 *   or before N);
 * - `r_<name>_head`: the latest version of each key (for lists ordered by a total).
 * Both cover blocks up to the watermark (`r_meta`), which only moves over blocks Ponder has
 * finalized (their facts never revert). A read adds the facts above the watermark, up to the block
 * asked for, straight from the fact tables, in the same statement: every answer is exact at any
 * moment, whatever the rollups' progress, and "as of" is a bound on the same query.
 */

import { nodeId, type NodeKind } from "../lineage.js";

/** A column of a rollup (keys and totals): SQL type and name. */
export interface Column {
  name: string;
  type: "numeric" | "text" | "integer";
}

/** Facts of one table, and what each adds to which key. Expressions are SQL over the alias `f`. */
export interface Source {
  /** FROM clause with the alias f (and any join). */
  from: string;
  /** The fact's block number. */
  block: string;
  /** One expression per key column, in order. */
  keys: string[];
  /** One expression per value column, in order. */
  values: string[];
  where?: string;
}

export interface Rollup {
  name: string;
  keys: Column[];
  values: Column[];
  sources: Source[];
  /** More indexes, by key positions, for reads that match on other key columns than the first. */
  indexes?: number[][];
}

const n = (name: string): Column => ({ name, type: "numeric" });
const i = (name: string): Column => ({ name, type: "integer" });
const txt = (name: string): Column => ({ name, type: "text" });

/** "YYYY-MM-DD" (UTC) of a block timestamp (seconds). */
const DAY = (ts: string) => `to_char(to_timestamp(${ts}::double precision) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
const roleAmount = (role: number) => `CASE WHEN f.role = ${role} THEN f.amount ELSE 0 END`;
const roleCount = (role: number) => `CASE WHEN f.role = ${role} THEN 1 ELSE 0 END`;

/** What each account earned, claimed and paid (PROTOCOL.md roles 0..3). */
export const ACCOUNT: Rollup = {
  name: "account",
  keys: [txt("account")],
  values: [
    n("accrued"), i("accrual_count"),
    n("accrued_treasury"), n("accrued_model_owner"), n("accrued_datanet_owner"), n("accrued_contributor"),
    i("count_treasury"), i("count_model_owner"), i("count_datanet_owner"), i("count_contributor"),
    n("claimed"), i("claim_count"), n("fees_paid"), i("inferences_paid"),
  ],
  sources: [
    {
      from: `"rewardAccrual" f`, block: "f.block_number", keys: ["f.account"],
      values: ["f.amount", "1", roleAmount(0), roleAmount(1), roleAmount(2), roleAmount(3), roleCount(0), roleCount(1), roleCount(2), roleCount(3), "0", "0", "0", "0"],
    },
    { from: `"rewardClaim" f`, block: "f.block_number", keys: ["f.account"], values: ["0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "f.amount", "1", "0", "0"] },
    { from: `"inference" f`, block: "f.block_number", keys: ["f.payer"], values: ["0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "f.fee", "1"] },
  ],
};

/** What each account earned from each (known) model's inferences, any role. */
export const ACCOUNT_MODEL: Rollup = {
  name: "account_model",
  keys: [txt("account"), n("model_id")],
  values: [n("accrued"), i("accrual_count")],
  sources: [{ from: `"rewardAccrual" f JOIN "inference" x ON x.id = f.inference_id`, block: "f.block_number", keys: ["f.account", "x.model_id"], values: ["f.amount", "1"] }],
};

/** Owner and contributor cuts per account and datanet (attributions to its known contributions). */
export const ACCOUNT_DATANET: Rollup = {
  name: "account_datanet",
  keys: [txt("account"), n("datanet_id")],
  values: [n("accrued"), n("owner_cut"), n("contributor_cut"), i("attribution_count")],
  // A datanet's payees (Datanet.payees).
  indexes: [[1]],
  sources: [
    { from: `"attribution" f`, block: "f.block_number", keys: ["f.datanet_owner", "f.datanet_id"], values: ["f.owner_cut", "f.owner_cut", "0", "1"], where: "f.datanet_owner IS NOT NULL" },
    { from: `"attribution" f`, block: "f.block_number", keys: ["f.contributor", "f.datanet_id"], values: ["f.contributor_cut", "0", "f.contributor_cut", "1"], where: "f.contributor IS NOT NULL" },
  ],
};

/** Accrued and claimed per account and UTC day. */
export const ACCOUNT_DAY: Rollup = {
  name: "account_day",
  keys: [txt("account"), txt("day")],
  values: [n("accrued"), n("claimed"), i("accrual_count")],
  sources: [
    { from: `"rewardAccrual" f`, block: "f.block_number", keys: ["f.account", DAY("f.timestamp")], values: ["f.amount", "0", "1"] },
    { from: `"rewardClaim" f`, block: "f.block_number", keys: ["f.account", DAY("f.timestamp")], values: ["0", "f.amount", "0"] },
  ],
};

/** What each known contribution earned over the inferences that attributed it. */
export const CONTRIBUTION: Rollup = {
  name: "contribution",
  keys: [n("contribution_id")],
  values: [i("inference_count"), n("weight_ppm_total"), n("earned"), n("owner_cut"), n("contributor_cut")],
  sources: [{ from: `"attribution" f`, block: "f.block_number", keys: ["f.contribution_id"], values: ["1", "f.weight_ppm", "f.share", "f.owner_cut", "f.contributor_cut"], where: "f.contribution_known" }],
};

/** What each known contribution earned per UTC day (its earnings chart). */
export const CONTRIBUTION_DAY: Rollup = {
  name: "contribution_day",
  keys: [n("contribution_id"), txt("day")],
  values: [n("earned"), n("owner_cut"), n("contributor_cut"), i("attribution_count")],
  sources: [{ from: `"attribution" f`, block: "f.block_number", keys: ["f.contribution_id", DAY("f.timestamp")], values: ["f.share", "f.owner_cut", "f.contributor_cut", "1"], where: "f.contribution_known" }],
};

/** What each known datanet's contributions were paid (attributions whose payees are known). */
export const DATANET: Rollup = {
  name: "datanet",
  keys: [n("datanet_id")],
  values: [i("attribution_count"), n("weight_ppm_total"), n("total_paid"), n("owner_cut_total"), n("contributor_cut_total")],
  sources: [{ from: `"attribution" f`, block: "f.block_number", keys: ["f.datanet_id"], values: ["1", "f.weight_ppm", "f.share", "f.owner_cut", "f.contributor_cut"], where: "f.contributor IS NOT NULL" }],
};

/**
 * SPLIT_MISMATCH of an inference (alias x), from its facts: the chain's accruals (rewardAccrual)
 * differ from the predicted ones (accrualExpectation) in number, or fewer distinct predicted
 * (account, role, amount) were met than predicted (core/audit.ts splitMismatchOf, in SQL).
 */
export const SPLIT_MISMATCH = (x: string) => `(
  (SELECT count(*) FROM "rewardAccrual" o WHERE o.inference_id = ${x}.id) <> ${x}.expected_accrual_count
  OR (SELECT count(DISTINCT (o.account, o.role)) FROM "rewardAccrual" o JOIN "accrualExpectation" e
        ON e.inference_id = o.inference_id AND e.account = o.account AND e.role = o.role AND e.amount = o.amount
      WHERE o.inference_id = ${x}.id) <> ${x}.expected_accrual_count)`;

/** An inference breaks some rule (x: an inference row). */
export const FLAGGED = (x: string) => `(${x}.not_accepted OR ${x}.outside_lineage OR ${SPLIT_MISMATCH(x)})`;

/** Per known model: its inferences, their attributions and fees, and how many are flagged. */
export const MODEL: Rollup = {
  name: "model",
  keys: [n("model_id")],
  values: [i("inference_count"), i("attribution_count"), n("total_fees"), i("flagged_count")],
  sources: [{ from: `"inference" f`, block: "f.block_number", keys: ["f.model_id"], values: ["1", "f.attribution_count", "f.fee", `CASE WHEN ${FLAGGED("f")} THEN 1 ELSE 0 END`], where: "f.model_known" }],
};

/** Network totals (one key). */
export const NETWORK: Rollup = {
  name: "network",
  keys: [txt("id")],
  values: [i("inference_count"), i("flagged_count"), n("attribution_count"), n("total_fees"), n("total_accrued"), n("total_claimed")],
  sources: [
    { from: `"inference" f`, block: "f.block_number", keys: ["'network'"], values: ["1", `CASE WHEN ${FLAGGED("f")} THEN 1 ELSE 0 END`, "f.attribution_count", "f.fee", "0", "0"] },
    { from: `"rewardAccrual" f`, block: "f.block_number", keys: ["'network'"], values: ["0", "0", "0", "0", "f.amount", "0"] },
    { from: `"rewardClaim" f`, block: "f.block_number", keys: ["'network'"], values: ["0", "0", "0", "0", "0", "f.amount"] },
  ],
};

/**
 * The lineage of each served model at its finest grain: per training run drawn on (trainer model
 * and run; 0 when no model of the lineage named the datanet), datanet, contribution and its
 * contributor ('' when its payees are unknown), the attributions' weights, shares and contributor
 * cuts. Every lineage edge is a sum over these rows (api/totals/lineage.ts).
 */
export const LINEAGE: Rollup = {
  name: "lineage",
  keys: [n("model_id"), n("trainer_model_id"), i("run_version"), n("datanet_id"), n("contribution_id"), txt("contributor")],
  values: [n("weight_ppm"), n("share"), n("contributor_cut"), i("attribution_count")],
  sources: [{
    from: `"attribution" f`, block: "f.block_number",
    keys: ["f.model_id", "coalesce(f.trainer_model_id, 0)", "coalesce(f.run_version, 0)", "f.datanet_id", "f.contribution_id", "coalesce(f.contributor, '')"],
    values: ["f.weight_ppm", "f.share", "f.contributor_cut", "1"],
    where: "f.contribution_known AND f.datanet_id IS NOT NULL",
  }],
  // A training run's flow over every model served through it (TrainingRun.flow); the downstream
  // lineages of a datanet, a contribution and a contributor (api/graphql/resolvers/lineageDown.ts).
  indexes: [[1, 2], [3], [4], [5]],
};

/** api/lineage.ts nodeId in SQL: the node id of the entity in column `expr` (same prefix, one definition). */
const nodeIdSql = (kind: NodeKind, expr: string) => `'${nodeId(kind, "").replace(/'/g, "''")}' || ${expr}`;

/**
 * An attribution (alias f) is the first of its inference for the root `column` shares with it (counts
 * each inference once per root). A window over the rows the source selects: every cut of the facts is
 * by block or by the root's own column, so an inference's rows for one root are always selected
 * together. (A correlated NOT EXISTS here was planned, on a table not yet analyzed, as a bitmap AND
 * with every attribution of a busy contributor per row: one medium step ran past 10 minutes.)
 */
const FIRST_OF_INFERENCE = (column: string) =>
  `CASE WHEN row_number() OVER (PARTITION BY f.inference_id, f.${column} ORDER BY f.position) = 1 THEN 1 ELSE 0 END`;

/**
 * Where each lineage root's data reached (the downstream lineages): per root ("contribution:42",
 * "datanet:1", "contributor:0x..", api/lineage.ts nodeId) and model that served, how many inferences
 * attributed the root's data: each inference counted once per root (the same facts as LINEAGE).
 */
export const REACH: Rollup = {
  name: "reach",
  keys: [txt("root"), n("model_id")],
  values: [i("inference_count")],
  sources: [
    { from: `"attribution" f`, block: "f.block_number", keys: [nodeIdSql("CONTRIBUTION", "f.contribution_id"), "f.model_id"], values: ["1"], where: "f.contribution_known AND f.datanet_id IS NOT NULL" },
    { from: `"attribution" f`, block: "f.block_number", keys: [nodeIdSql("DATANET", "f.datanet_id"), "f.model_id"], values: [FIRST_OF_INFERENCE("datanet_id")], where: "f.contribution_known AND f.datanet_id IS NOT NULL" },
    { from: `"attribution" f`, block: "f.block_number", keys: [nodeIdSql("CONTRIBUTOR", "f.contributor"), "f.model_id"], values: [FIRST_OF_INFERENCE("contributor")], where: "f.contribution_known AND f.datanet_id IS NOT NULL AND f.contributor IS NOT NULL" },
  ],
};

/**
 * The inferences whose accruals differ from their split (SPLIT_MISMATCH), with their model: the
 * audit lists read it beside the inference table's own rule flags.
 */
export const SPLIT: Rollup = {
  name: "split_mismatch",
  keys: [n("inference_id"), n("model_id")],
  values: [i("n")],
  sources: [{ from: `"inference" f`, block: "f.block_number", keys: ["f.id", "f.model_id"], values: ["1"], where: SPLIT_MISMATCH("f") }],
};

/** The rollups with versions (as of any block) and heads; LINEAGE, SPLIT, CONTRIBUTION_DAY and REACH keep a head only (read from the facts below it, for a past block). */
export const VERSIONED: readonly Rollup[] = [ACCOUNT, ACCOUNT_MODEL, ACCOUNT_DATANET, ACCOUNT_DAY, CONTRIBUTION, DATANET, MODEL, NETWORK];
export const HEAD_ONLY: readonly Rollup[] = [LINEAGE, SPLIT, CONTRIBUTION_DAY, REACH];

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const versionsTable = (r: Rollup) => q(`r_${r.name}`);
export const headTable = (r: Rollup) => q(`r_${r.name}_head`);
export const META_TABLE = q("r_meta");
/** Addresses in the order they first appear in any fact, with that block (network.accounts). */
export const SEEN_TABLE = q("r_account_seen");

const SQL_TYPE: Record<Column["type"], string> = { numeric: "numeric(78,0)", text: "text", integer: "bigint" };

/** CREATE statements of every rollup table (idempotent). */
export function createStatements(): string[] {
  const out = [`CREATE TABLE IF NOT EXISTS ${META_TABLE} (id text PRIMARY KEY, watermark numeric(78,0) NOT NULL, build text NOT NULL)`];
  const cols = (cs: Column[]) => cs.map((c) => `${q(c.name)} ${SQL_TYPE[c.type]} NOT NULL`).join(", ");
  const keyList = (r: Rollup) => r.keys.map((k) => q(k.name)).join(", ");
  for (const r of [...VERSIONED, ...HEAD_ONLY]) {
    if (VERSIONED.includes(r)) out.push(`CREATE TABLE IF NOT EXISTS ${versionsTable(r)} (${cols(r.keys)}, "block" numeric(78,0) NOT NULL, ${cols(r.values)}, PRIMARY KEY (${keyList(r)}, "block"))`);
    out.push(`CREATE TABLE IF NOT EXISTS ${headTable(r)} (${cols(r.keys)}, "block" numeric(78,0) NOT NULL, ${cols(r.values)}, PRIMARY KEY (${keyList(r)}))`);
    for (const positions of r.indexes ?? []) {
      const on = positions.map((j) => q(r.keys[j]!.name)).join(", ");
      const suffix = positions.map((j) => r.keys[j]!.name).join("_");
      out.push(`CREATE INDEX IF NOT EXISTS ${q(`r_${r.name}_head_${suffix}`)} ON ${headTable(r)} (${on})`);
      if (VERSIONED.includes(r)) out.push(`CREATE INDEX IF NOT EXISTS ${q(`r_${r.name}_${suffix}`)} ON ${versionsTable(r)} (${on}, "block")`);
    }
  }
  out.push(`CREATE TABLE IF NOT EXISTS ${SEEN_TABLE} ("account" text PRIMARY KEY, "block" numeric(78,0) NOT NULL)`);
  out.push(`CREATE INDEX IF NOT EXISTS "r_account_seen_block" ON ${SEEN_TABLE} ("block")`);
  return out;
}

/**
 * The facts of a rollup as rows (keys as k0.., block, values as v0..), for blocks in (lo, hi];
 * `filter` restricts keys: SQL over k0.. of each source's key expressions (e.g. "k0 = $1").
 */
export function factRows(r: Rollup, lo: string, hi: string | null, filter?: (keyExpr: string[]) => string): string {
  return r.sources
    .map((s) => {
      const conds = [`${s.block} > ${lo}`];
      if (hi !== null) conds.push(`${s.block} <= ${hi}`);
      if (s.where) conds.push(s.where);
      if (filter) conds.push(filter(s.keys));
      const select = [...s.keys.map((k, j) => `${k} AS k${j}`), `${s.block} AS block`, ...s.values.map((v, j) => `${v} AS v${j}`)].join(", ");
      return `SELECT ${select} FROM ${s.from} WHERE ${conds.join(" AND ")}`;
    })
    .join(" UNION ALL ");
}

/**
 * One advance of a versioned rollup over blocks (lo, hi]: each key's running totals after each
 * block where it changed, on top of its head; then the heads. One statement (lo, hi: integers).
 */
export function advanceStatement(r: Rollup, lo: bigint, hi: bigint): string {
  const k = r.keys.map((_, j) => `k${j}`);
  const v = r.values.map((_, j) => `v${j}`);
  const keyCols = r.keys.map((c) => q(c.name));
  const valCols = r.values.map((c) => q(c.name));
  const versioned = VERSIONED.includes(r);
  const grouped = `SELECT ${k.join(", ")}, block, ${v.map((x) => `sum(${x}) AS ${x}`).join(", ")} FROM (${factRows(r, lo.toString(), hi.toString())}) facts GROUP BY ${k.join(", ")}, block`;
  const head = headTable(r);
  const on = r.keys.map((c, j) => `h.${q(c.name)} = d.k${j}`).join(" AND ");
  if (!versioned) {
    // Head only: add the range's totals per key.
    const summed = `SELECT ${k.join(", ")}, max(block) AS block, ${v.map((x) => `sum(${x}) AS ${x}`).join(", ")} FROM (${factRows(r, lo.toString(), hi.toString())}) facts GROUP BY ${k.join(", ")}`;
    return `INSERT INTO ${head} (${keyCols.join(", ")}, "block", ${valCols.join(", ")}) SELECT ${k.join(", ")}, block, ${v.join(", ")} FROM (${summed}) d
      ON CONFLICT (${keyCols.join(", ")}) DO UPDATE SET "block" = EXCLUDED."block", ${valCols.map((c) => `${c} = ${head}.${c} + EXCLUDED.${c}`).join(", ")}`;
  }
  const running = `SELECT ${k.join(", ")}, block, ${v.map((x) => `sum(${x}) OVER w AS ${x}`).join(", ")} FROM grouped WINDOW w AS (PARTITION BY ${k.join(", ")} ORDER BY block ROWS UNBOUNDED PRECEDING)`;
  return `WITH grouped AS (${grouped}),
    running AS (${running}),
    versions AS (
      INSERT INTO ${versionsTable(r)} (${keyCols.join(", ")}, "block", ${valCols.join(", ")})
      SELECT ${k.map((x) => `d.${x}`).join(", ")}, d.block, ${r.values.map((c, j) => `d.v${j} + coalesce(h.${q(c.name)}, 0)`).join(", ")}
      FROM running d LEFT JOIN ${head} h ON ${on}
      RETURNING ${keyCols.join(", ")}, "block", ${valCols.join(", ")}
    )
    INSERT INTO ${head} (${keyCols.join(", ")}, "block", ${valCols.join(", ")})
    SELECT DISTINCT ON (${keyCols.join(", ")}) ${keyCols.join(", ")}, "block", ${valCols.join(", ")} FROM versions ORDER BY ${keyCols.join(", ")}, "block" DESC
    ON CONFLICT (${keyCols.join(", ")}) DO UPDATE SET "block" = EXCLUDED."block", ${valCols.map((c) => `${c} = EXCLUDED.${c}`).join(", ")}`;
}

/** Sources of addresses (network.accounts: every address that appears as owner, contributor, payer, payee or claimant). */
const ADDRESS_SOURCES: { from: string; block: string; address: string }[] = [
  { from: `"datanet" f`, block: "f.block_number", address: "f.owner" },
  { from: `"contribution" f`, block: "f.block_number", address: "f.contributor" },
  { from: `"model" f`, block: "f.block_number", address: "f.owner" },
  { from: `"inference" f`, block: "f.block_number", address: "f.payer" },
  { from: `"rewardAccrual" f`, block: "f.block_number", address: "f.account" },
  { from: `"rewardClaim" f`, block: "f.block_number", address: "f.account" },
];

/** Addresses appearing in facts of blocks (lo, hi], each with its first block there. */
export function addressRows(lo: string, hi: string | null): string {
  return `SELECT address, min(block) AS block FROM (${ADDRESS_SOURCES.map((s) => `SELECT ${s.address} AS address, ${s.block} AS block FROM ${s.from} WHERE ${s.block} > ${lo}${hi === null ? "" : ` AND ${s.block} <= ${hi}`}`).join(" UNION ALL ")}) a GROUP BY address`;
}

export function advanceSeenStatement(lo: bigint, hi: bigint): string {
  return `INSERT INTO ${SEEN_TABLE} ("account", "block") ${addressRows(lo.toString(), hi.toString())} ON CONFLICT ("account") DO NOTHING`;
}
