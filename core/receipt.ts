/**
 * Payout receipts: a self-contained JSON account of one inference's payout (the logs that make it,
 * the facts in force at it, the split recomputed step by step, the verdict) and its verification
 * against what a node says about those logs. No I/O: the API builds a receipt from indexed facts
 * (api/receipt.ts), the CLI fetches the logs it cites by transaction hash (api/verify.ts) and hands
 * both to verifyReceipt, which recomputes everything with core/split.ts, core/merkle.ts and
 * core/audit.ts and names every receipt field that does not hold.
 *
 * A receipt is untrusted input: decodeReceipt checks its shape and returns an "invalid" result
 * instead of throwing.
 */
import { decodeEventLog, encodeAbiParameters, toEventSelector, type Abi, type AbiEvent, type Hex } from "viem";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi } from "../abis/index.js";
import { contributionRules, splitMismatchOf, verdict as auditVerdict, type Violation } from "./audit.js";
import { contributionLeaf, verifyMerkleProof } from "./merkle.js";
import { Status } from "./roles.js";
import { splitFee, type Address } from "./split.js";

export const RECEIPT_FORMAT = "openledger-explorer/payout-receipt";
export const RECEIPT_VERSION = 1;

/** Where one log is: enough to fetch it (eth_getTransactionReceipt) and to tell whether its block is canonical. */
export interface LogRef {
  transactionHash: Hex;
  blockNumber: string;
  blockHash: Hex;
  logIndex: number;
}

export interface ReceiptModel {
  id: string;
  owner: Address;
  /** "0" for a base model. */
  parentModelId: string;
  /** ModelRegistered. */
  log: LogRef;
}

export interface ReceiptContribution {
  id: string;
  datanetId: string;
  contributor: Address;
  /** ContributionSubmitted. */
  submittedLog: LogRef;
  /** Status at the inference (0 Pending, 1 Accepted, 2 Rejected, 3 Revoked) and the last log before it that set it. */
  status: number;
  statusLog: LogRef;
  /**
   * The training run the attribution drew on (PROTOCOL.md) with the Merkle proof of the
   * contribution against the run's root; proof null when the run's root does not commit to the set
   * (the run is not verified). null when no model of the lineage was trained on the datanet.
   */
  run: { modelId: string; version: number; contributionsRoot: Hex; proof: Hex[] | null; log: LogRef } | null;
}

export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  version: typeof RECEIPT_VERSION;
  chainId: number;
  contracts: { DatanetRegistry: Address; ModelRegistry: Address; AttributionEngine: Address };
  inference: {
    id: string;
    modelId: string;
    payer: Address;
    outputHash: Hex;
    fee: string;
    method: number;
    contributionIds: string[];
    weightsPpm: number[];
    /** InferenceAttributed. */
    log: LogRef;
  };
  /** The served model first, then its ancestors (parentModelId chain), as far as the receipt needs them. */
  models: ReceiptModel[];
  /** The fee parameters in force at the inference and the FeeParamsUpdated that set them. */
  feeParams: { protocolFeeBps: number; modelOwnerShareBps: number; treasury: Address; log: LogRef };
  /** The datanets of the attributed contributions (DatanetCreated: owner and owner share). */
  datanets: { id: string; owner: Address; ownerShareBps: number; log: LogRef }[];
  /** In attribution order. */
  contributions: ReceiptContribution[];
  /** Every RewardAccrued of the inference, in log order. */
  accruals: { account: Address; role: number; amount: string; log: LogRef }[];
  /** PROTOCOL.md's split, step by step. */
  split: {
    protocol: string;
    modelOwner: string;
    pool: string;
    lines: { contributionId: string; weightPpm: number; share: string; ownerShareBps: number; ownerCut: string; contributorCut: string }[];
    dust: string;
    /** The accruals the split predicts, one per (account, role). */
    expected: { account: Address; role: number; amount: string }[];
  };
  verdict: { clean: boolean; violations: { rule: string; contributionIds: string[] }[] };
}

// ---------------------------------------------------------------------------------------------
// Decoding an untrusted receipt

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

class Invalid extends Error {}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const UINT = /^[0-9]{1,78}$/;

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Invalid(`${path} must be an object`);
  return v as Record<string, unknown>;
}
function arr(v: unknown, path: string, max = 10_000): unknown[] {
  if (!Array.isArray(v)) throw new Invalid(`${path} must be an array`);
  if (v.length > max) throw new Invalid(`${path} has more than ${max} entries`);
  return v;
}
function str(v: unknown, path: string, re: RegExp, what: string): string {
  if (typeof v !== "string" || !re.test(v)) throw new Invalid(`${path} must be ${what}`);
  return v;
}
const uint = (v: unknown, path: string) => str(v, path, UINT, "a decimal integer string");
const hash = (v: unknown, path: string) => str(v, path, HEX32, "a 32-byte 0x hash").toLowerCase() as Hex;
const address = (v: unknown, path: string) => str(v, path, ADDRESS, "a 0x address").toLowerCase() as Address;
function int(v: unknown, path: string, max: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > max) throw new Invalid(`${path} must be an integer from 0 to ${max}`);
  return v;
}

function logRef(v: unknown, path: string): LogRef {
  const o = obj(v, path);
  return {
    transactionHash: hash(o.transactionHash, `${path}.transactionHash`),
    blockNumber: uint(o.blockNumber, `${path}.blockNumber`),
    blockHash: hash(o.blockHash, `${path}.blockHash`),
    logIndex: int(o.logIndex, `${path}.logIndex`, 2 ** 31),
  };
}

/** The receipt, with hex lowercased, or what is wrong with its shape. Never throws. */
export function decodeReceipt(json: unknown): Decoded<Receipt> {
  try {
    const r = obj(json, "receipt");
    if (r.format !== RECEIPT_FORMAT) throw new Invalid(`format must be "${RECEIPT_FORMAT}": is this a payout receipt?`);
    if (r.version !== RECEIPT_VERSION) throw new Invalid(`version ${JSON.stringify(r.version)} is not supported (this verifier reads version ${RECEIPT_VERSION})`);
    const c = obj(r.contracts, "contracts");
    const i = obj(r.inference, "inference");
    const fp = obj(r.feeParams, "feeParams");
    const s = obj(r.split, "split");
    const v = obj(r.verdict, "verdict");
    if (typeof v.clean !== "boolean") throw new Invalid("verdict.clean must be true or false");
    const receipt: Receipt = {
      format: RECEIPT_FORMAT,
      version: RECEIPT_VERSION,
      chainId: int(r.chainId, "chainId", Number.MAX_SAFE_INTEGER),
      contracts: {
        DatanetRegistry: address(c.DatanetRegistry, "contracts.DatanetRegistry"),
        ModelRegistry: address(c.ModelRegistry, "contracts.ModelRegistry"),
        AttributionEngine: address(c.AttributionEngine, "contracts.AttributionEngine"),
      },
      inference: {
        id: uint(i.id, "inference.id"),
        modelId: uint(i.modelId, "inference.modelId"),
        payer: address(i.payer, "inference.payer"),
        outputHash: hash(i.outputHash, "inference.outputHash"),
        fee: uint(i.fee, "inference.fee"),
        method: int(i.method, "inference.method", 255),
        contributionIds: arr(i.contributionIds, "inference.contributionIds", 256).map((x, k) => uint(x, `inference.contributionIds[${k}]`)),
        weightsPpm: arr(i.weightsPpm, "inference.weightsPpm", 256).map((x, k) => int(x, `inference.weightsPpm[${k}]`, 2 ** 32 - 1)),
        log: logRef(i.log, "inference.log"),
      },
      models: arr(r.models, "models", 256).map((x, k) => {
        const m = obj(x, `models[${k}]`);
        return { id: uint(m.id, `models[${k}].id`), owner: address(m.owner, `models[${k}].owner`), parentModelId: uint(m.parentModelId, `models[${k}].parentModelId`), log: logRef(m.log, `models[${k}].log`) };
      }),
      feeParams: {
        protocolFeeBps: int(fp.protocolFeeBps, "feeParams.protocolFeeBps", 65_535),
        modelOwnerShareBps: int(fp.modelOwnerShareBps, "feeParams.modelOwnerShareBps", 65_535),
        treasury: address(fp.treasury, "feeParams.treasury"),
        log: logRef(fp.log, "feeParams.log"),
      },
      datanets: arr(r.datanets, "datanets", 256).map((x, k) => {
        const d = obj(x, `datanets[${k}]`);
        return { id: uint(d.id, `datanets[${k}].id`), owner: address(d.owner, `datanets[${k}].owner`), ownerShareBps: int(d.ownerShareBps, `datanets[${k}].ownerShareBps`, 65_535), log: logRef(d.log, `datanets[${k}].log`) };
      }),
      contributions: arr(r.contributions, "contributions", 256).map((x, k) => {
        const p = `contributions[${k}]`;
        const o = obj(x, p);
        let run: ReceiptContribution["run"] = null;
        if (o.run !== null) {
          const ru = obj(o.run, `${p}.run`);
          run = {
            modelId: uint(ru.modelId, `${p}.run.modelId`),
            version: int(ru.version, `${p}.run.version`, 2 ** 32 - 1),
            contributionsRoot: hash(ru.contributionsRoot, `${p}.run.contributionsRoot`),
            proof: ru.proof === null ? null : arr(ru.proof, `${p}.run.proof`, 256).map((h, j) => hash(h, `${p}.run.proof[${j}]`)),
            log: logRef(ru.log, `${p}.run.log`),
          };
        }
        return {
          id: uint(o.id, `${p}.id`),
          datanetId: uint(o.datanetId, `${p}.datanetId`),
          contributor: address(o.contributor, `${p}.contributor`),
          submittedLog: logRef(o.submittedLog, `${p}.submittedLog`),
          status: int(o.status, `${p}.status`, 255),
          statusLog: logRef(o.statusLog, `${p}.statusLog`),
          run,
        };
      }),
      accruals: arr(r.accruals, "accruals", 1_024).map((x, k) => {
        const a = obj(x, `accruals[${k}]`);
        return { account: address(a.account, `accruals[${k}].account`), role: int(a.role, `accruals[${k}].role`, 255), amount: uint(a.amount, `accruals[${k}].amount`), log: logRef(a.log, `accruals[${k}].log`) };
      }),
      split: {
        protocol: uint(s.protocol, "split.protocol"),
        modelOwner: uint(s.modelOwner, "split.modelOwner"),
        pool: uint(s.pool, "split.pool"),
        lines: arr(s.lines, "split.lines", 256).map((x, k) => {
          const l = obj(x, `split.lines[${k}]`);
          const p = `split.lines[${k}]`;
          return {
            contributionId: uint(l.contributionId, `${p}.contributionId`),
            weightPpm: int(l.weightPpm, `${p}.weightPpm`, 2 ** 32 - 1),
            share: uint(l.share, `${p}.share`),
            ownerShareBps: int(l.ownerShareBps, `${p}.ownerShareBps`, 65_535),
            ownerCut: uint(l.ownerCut, `${p}.ownerCut`),
            contributorCut: uint(l.contributorCut, `${p}.contributorCut`),
          };
        }),
        dust: uint(s.dust, "split.dust"),
        expected: arr(s.expected, "split.expected", 1_024).map((x, k) => {
          const a = obj(x, `split.expected[${k}]`);
          return { account: address(a.account, `split.expected[${k}].account`), role: int(a.role, `split.expected[${k}].role`, 255), amount: uint(a.amount, `split.expected[${k}].amount`) };
        }),
      },
      verdict: {
        clean: v.clean,
        violations: arr(v.violations, "verdict.violations", 8).map((x, k) => {
          const o = obj(x, `verdict.violations[${k}]`);
          if (typeof o.rule !== "string" || o.rule.length > 64) throw new Invalid(`verdict.violations[${k}].rule must be a rule code`);
          return { rule: o.rule, contributionIds: arr(o.contributionIds, `verdict.violations[${k}].contributionIds`, 256).map((id, j) => uint(id, `verdict.violations[${k}].contributionIds[${j}]`)) };
        }),
      },
    };
    return { ok: true, value: receipt };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: `not a valid receipt: ${err.message}` };
    return { ok: false, error: `not a valid receipt: ${(err as Error).message}` };
  }
}

/** Every log a receipt cites, with the receipt field that cites it (for the fetcher and for messages). */
export function citedLogs(r: Receipt): { path: string; ref: LogRef }[] {
  return [
    { path: "inference.log", ref: r.inference.log },
    ...r.accruals.map((a, k) => ({ path: `accruals[${k}].log`, ref: a.log })),
    { path: "feeParams.log", ref: r.feeParams.log },
    ...r.models.map((m, k) => ({ path: `models[${k}].log`, ref: m.log })),
    ...r.datanets.map((d, k) => ({ path: `datanets[${k}].log`, ref: d.log })),
    ...r.contributions.flatMap((c, k) => [
      { path: `contributions[${k}].submittedLog`, ref: c.submittedLog },
      { path: `contributions[${k}].statusLog`, ref: c.statusLog },
      ...(c.run ? [{ path: `contributions[${k}].run.log`, ref: c.run.log }] : []),
    ]),
  ];
}

// ---------------------------------------------------------------------------------------------
// Verification

/** A log as eth_getTransactionReceipt returns it. */
export interface ChainLog {
  address: string;
  logIndex: number;
  topics: Hex[];
  data: Hex;
}

/** What the node said: each cited transaction's receipt (null: not on the chain) and the canonical hash of each block number asked for. */
export interface ChainView {
  chainId: number;
  transactions: ReadonlyMap<string, { blockHash: Hex; blockNumber: bigint; logs: ChainLog[] } | null>;
  canonicalBlocks: ReadonlyMap<string, Hex | null>;
  /**
   * The answers to laterLogQueries (eth_getLogs), by query path: the logs that could have changed a
   * cited fact between its log and the inference. Absent: those checks are not made (and say so).
   */
  laterLogs?: ReadonlyMap<string, (ChainLog & { blockNumber: bigint })[]>;
}

/** An eth_getLogs the verifier makes to show that no later event changed a cited fact before the inference. */
export interface LaterLogQuery {
  /** The receipt field whose fact it guards (feeParams.log, contributions[k].statusLog, contributions[k].run.log). */
  path: string;
  address: Address;
  /** topic0 alternatives, then the indexed argument (or null). */
  topics: [Hex[], ...(Hex | null)[]];
  fromBlock: bigint;
  toBlock: bigint;
}

const eventTopic = (abi: Abi, name: string): Hex => toEventSelector(abi.find((x) => x.type === "event" && x.name === name) as AbiEvent);
const uintTopic = (value: string): Hex => encodeAbiParameters([{ type: "uint256" }], [BigInt(value)]);

/**
 * What the cited logs alone cannot show: that the fee parameters, a contribution's status and the
 * run drawn on were still the latest at the inference. One query per fact, from the cited log's
 * block to the inference's.
 */
export function laterLogQueries(r: Receipt): LaterLogQuery[] {
  const toBlock = BigInt(r.inference.log.blockNumber);
  const out: LaterLogQuery[] = [
    { path: "feeParams.log", address: r.contracts.AttributionEngine, topics: [[eventTopic(ABIS.AttributionEngine, "FeeParamsUpdated")]], fromBlock: BigInt(r.feeParams.log.blockNumber), toBlock },
  ];
  // Every run of each model of the lineage: the nearest model whose run named a datanet is the one drawn on.
  r.models.forEach((m, j) => {
    out.push({ path: `models[${j}].runs`, address: r.contracts.ModelRegistry, topics: [[eventTopic(ABIS.ModelRegistry, "ModelTrained")], uintTopic(m.id)], fromBlock: BigInt(m.log.blockNumber), toBlock });
  });
  r.contributions.forEach((c, k) => {
    out.push({
      path: `contributions[${k}].statusLog`,
      address: r.contracts.DatanetRegistry,
      topics: [[eventTopic(ABIS.DatanetRegistry, "ContributionReviewed"), eventTopic(ABIS.DatanetRegistry, "ContributionRevoked")], uintTopic(c.id)],
      fromBlock: BigInt(c.statusLog.blockNumber),
      toBlock,
    });
    if (c.run) {
      out.push({ path: `contributions[${k}].run.log`, address: r.contracts.ModelRegistry, topics: [[eventTopic(ABIS.ModelRegistry, "ModelTrained")], uintTopic(c.run.modelId)], fromBlock: BigInt(c.run.log.blockNumber), toBlock });
    }
  });
  return out;
}

export interface Check {
  /** The receipt field the check is about (a JSON path: "accruals[2].amount"). */
  field: string;
  ok: boolean;
  message: string;
}

export interface Verification {
  ok: boolean;
  checks: Check[];
  /** Audit findings the receipt itself reports and the verification confirmed (not mismatches). */
  findings: string[];
}

type EventName = "InferenceAttributed" | "RewardAccrued" | "FeeParamsUpdated" | "ModelRegistered" | "ModelTrained" | "DatanetCreated" | "ContributionSubmitted" | "ContributionReviewed" | "ContributionRevoked";
type ContractKey = keyof Receipt["contracts"];
/** An expected event argument: its value and the receipt field it comes from. */
type Expect = Record<string, { value: unknown; field: string }>;

const ABIS: Record<ContractKey, Abi> = { AttributionEngine: AttributionEngineAbi as Abi, DatanetRegistry: DatanetRegistryAbi as Abi, ModelRegistry: ModelRegistryAbi as Abi };

const same = (a: unknown, b: unknown): boolean => {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (typeof a === "bigint" || typeof b === "bigint" || typeof a === "number" || typeof b === "number") {
    try {
      return BigInt(a as string) === BigInt(b as string);
    } catch {
      return false;
    }
  }
  return a === b;
};

function decodeLog(contract: ContractKey, log: ChainLog): { eventName: string; args: Record<string, unknown> } | null {
  try {
    const d = decodeEventLog({ abi: ABIS[contract], topics: log.topics as [Hex, ...Hex[]], data: log.data, strict: true });
    return { eventName: String(d.eventName), args: (d.args ?? {}) as Record<string, unknown> };
  } catch {
    return null;
  }
}

/** Fields of `expect` the decoded log disagrees with. */
function disagreements(decoded: { eventName: string; args: Record<string, unknown> }, expect: Expect): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const [arg, e] of Object.entries(expect)) {
    const got = decoded.args[arg];
    if (Array.isArray(e.value)) {
      const list = Array.isArray(got) ? got : [];
      const n = Math.max(list.length, e.value.length);
      for (let k = 0; k < n; k++) {
        if (!same(list[k], e.value[k])) out.push({ field: `${e.field}[${k}]`, message: `the log's ${arg}[${k}] is ${String(list[k] ?? "absent")}, the receipt says ${String(e.value[k] ?? "absent")}` });
      }
    } else if (!same(got, e.value)) out.push({ field: e.field, message: `the log's ${arg} is ${String(got)}, the receipt says ${String(e.value)}` });
  }
  return out;
}

const before = (a: LogRef, b: LogRef) => BigInt(a.blockNumber) < BigInt(b.blockNumber) || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex);

/**
 * Checks a receipt against the chain and against its own arithmetic: every cited log exists at the
 * cited place, in a canonical block, from the right contract, and says what the receipt says; the
 * facts it cites come before the inference; the split, the Merkle proofs and the verdict recompute
 * to the receipt's. Every check names the receipt field it is about.
 */
export function verifyReceipt(r: Receipt, chain: ChainView): Verification {
  const checks: Check[] = [];
  const findings: string[] = [];
  const fail = (field: string, message: string) => checks.push({ field, ok: false, message });
  const pass = (field: string, message: string) => checks.push({ field, ok: true, message });

  if (chain.chainId === r.chainId) pass("chainId", `chain id ${r.chainId}`);
  else fail("chainId", `the node serves chain ${chain.chainId}, the receipt is for chain ${r.chainId}`);

  /** One cited log: where it is, that its block is canonical, its contract, its event and its arguments. */
  const checkLog = (path: string, ref: LogRef, contract: ContractKey, events: readonly EventName[], expect: Expect): { eventName: string; args: Record<string, unknown> } | null => {
    const tx = chain.transactions.get(ref.transactionHash.toLowerCase());
    if (!tx) {
      fail(`${path}.transactionHash`, `transaction ${ref.transactionHash} is not on the chain: not canonical (reorged away?)`);
      return null;
    }
    const canonical = chain.canonicalBlocks.get(ref.blockNumber);
    if (tx.blockNumber !== BigInt(ref.blockNumber)) {
      fail(`${path}.blockNumber`, `transaction ${ref.transactionHash} is in block ${tx.blockNumber}, not ${ref.blockNumber}`);
      return null;
    }
    if (tx.blockHash.toLowerCase() !== ref.blockHash) {
      fail(`${path}.blockHash`, `block ${ref.blockNumber} of transaction ${ref.transactionHash} is ${tx.blockHash}, not ${ref.blockHash}: not canonical`);
      return null;
    }
    if (!canonical || canonical.toLowerCase() !== ref.blockHash) {
      fail(`${path}.blockHash`, `block ${ref.blockNumber} is ${canonical ?? "missing"} on the chain, not ${ref.blockHash}: not canonical`);
      return null;
    }
    const want = r.contracts[contract];
    const matches = (log: ChainLog) => {
      if (log.address.toLowerCase() !== want) return null;
      const d = decodeLog(contract, log);
      return d && (events as readonly string[]).includes(d.eventName) ? d : null;
    };
    const log = tx.logs.find((l) => l.logIndex === ref.logIndex);
    const decoded = log ? matches(log) : null;
    const problems = decoded ? disagreements(decoded, expect) : [];
    if (decoded && problems.length === 0) {
      pass(path, `${decoded.eventName} at log ${ref.logIndex} of ${ref.transactionHash}, block ${ref.blockNumber} (canonical)`);
      return decoded;
    }
    // The log the receipt describes may sit at another index of the transaction: then the index is what is wrong.
    const elsewhere = tx.logs.find((l) => l.logIndex !== ref.logIndex && (() => {
      const d = matches(l);
      return d !== null && disagreements(d, expect).length === 0;
    })());
    if (elsewhere) {
      fail(`${path}.logIndex`, `the log the receipt describes is at index ${elsewhere.logIndex} of ${ref.transactionHash}, not ${ref.logIndex}`);
      return null;
    }
    if (!decoded) {
      fail(`${path}.logIndex`, log ? `log ${ref.logIndex} of ${ref.transactionHash} is not a ${events.join(" or ")} of the ${contract} contract` : `${ref.transactionHash} has no log ${ref.logIndex}`);
      return null;
    }
    for (const p of problems) fail(p.field, p.message);
    return null;
  };

  const inf = r.inference;
  checkLog("inference.log", inf.log, "AttributionEngine", ["InferenceAttributed"], {
    inferenceId: { value: inf.id, field: "inference.id" },
    modelId: { value: inf.modelId, field: "inference.modelId" },
    payer: { value: inf.payer, field: "inference.payer" },
    outputHash: { value: inf.outputHash, field: "inference.outputHash" },
    fee: { value: inf.fee, field: "inference.fee" },
    method: { value: inf.method, field: "inference.method" },
    contributionIds: { value: inf.contributionIds, field: "inference.contributionIds" },
    weightsPpm: { value: inf.weightsPpm, field: "inference.weightsPpm" },
  });

  // Accruals: each one a distinct RewardAccrued of this inference, and none of the transaction's left out.
  const citedAccruals = new Map<string, number>();
  r.accruals.forEach((a, k) => {
    const key = `${a.log.transactionHash}:${a.log.logIndex}`;
    const first = citedAccruals.get(key);
    if (first !== undefined) fail(`accruals[${k}].log.logIndex`, `cites the same log as accruals[${first}]`);
    else citedAccruals.set(key, k);
    checkLog(`accruals[${k}].log`, a.log, "AttributionEngine", ["RewardAccrued"], {
      account: { value: a.account, field: `accruals[${k}].account` },
      inferenceId: { value: inf.id, field: `accruals[${k}].log` },
      role: { value: a.role, field: `accruals[${k}].role` },
      amount: { value: a.amount, field: `accruals[${k}].amount` },
    });
  });
  const infTx = chain.transactions.get(inf.log.transactionHash.toLowerCase());
  for (const log of infTx?.logs ?? []) {
    if (log.address.toLowerCase() !== r.contracts.AttributionEngine) continue;
    const d = decodeLog("AttributionEngine", log);
    if (d?.eventName === "RewardAccrued" && same(d.args.inferenceId, inf.id) && !citedAccruals.has(`${inf.log.transactionHash}:${log.logIndex}`)) {
      fail("accruals", `the chain has a RewardAccrued of this inference at log ${log.logIndex} that the receipt leaves out`);
    }
  }

  // The facts in force: each set by a log before the inference.
  const priorTo = (path: string, ref: LogRef) => {
    if (!before(ref, inf.log)) fail(`${path}.logIndex`, `the log is not before the inference (block ${ref.blockNumber}, log ${ref.logIndex})`);
  };
  const fp = r.feeParams;
  checkLog("feeParams.log", fp.log, "AttributionEngine", ["FeeParamsUpdated"], {
    protocolFeeBps: { value: fp.protocolFeeBps, field: "feeParams.protocolFeeBps" },
    modelOwnerShareBps: { value: fp.modelOwnerShareBps, field: "feeParams.modelOwnerShareBps" },
    treasury: { value: fp.treasury, field: "feeParams.treasury" },
  });
  priorTo("feeParams.log", fp.log);

  r.models.forEach((m, k) => {
    checkLog(`models[${k}].log`, m.log, "ModelRegistry", ["ModelRegistered"], {
      modelId: { value: m.id, field: `models[${k}].id` },
      owner: { value: m.owner, field: `models[${k}].owner` },
      parentModelId: { value: m.parentModelId, field: `models[${k}].parentModelId` },
    });
    priorTo(`models[${k}].log`, m.log);
    const wanted = k === 0 ? inf.modelId : r.models[k - 1]!.parentModelId;
    if (m.id !== wanted) fail(`models[${k}].id`, k === 0 ? `the served model is ${inf.modelId}, not ${m.id}` : `models[${k - 1}]'s parent is ${wanted}, not ${m.id}`);
  });
  if (r.models.length === 0) fail("models", "the receipt does not name the served model (its owner is paid)");

  r.datanets.forEach((d, k) => {
    checkLog(`datanets[${k}].log`, d.log, "DatanetRegistry", ["DatanetCreated"], {
      datanetId: { value: d.id, field: `datanets[${k}].id` },
      owner: { value: d.owner, field: `datanets[${k}].owner` },
      ownerShareBps: { value: d.ownerShareBps, field: `datanets[${k}].ownerShareBps` },
    });
    priorTo(`datanets[${k}].log`, d.log);
  });

  if (r.contributions.length !== inf.contributionIds.length) fail("contributions", `${r.contributions.length} contributions for ${inf.contributionIds.length} attributed`);
  r.contributions.forEach((c, k) => {
    const p = `contributions[${k}]`;
    if (c.id !== inf.contributionIds[k]) fail(`${p}.id`, `attribution ${k} is contribution ${inf.contributionIds[k] ?? "(none)"}, not ${c.id}`);
    checkLog(`${p}.submittedLog`, c.submittedLog, "DatanetRegistry", ["ContributionSubmitted"], {
      contributionId: { value: c.id, field: `${p}.id` },
      datanetId: { value: c.datanetId, field: `${p}.datanetId` },
      contributor: { value: c.contributor, field: `${p}.contributor` },
    });
    priorTo(`${p}.submittedLog`, c.submittedLog);
    const statusEvent: EventName = c.status === Status.Pending ? "ContributionSubmitted" : c.status === Status.Revoked ? "ContributionRevoked" : "ContributionReviewed";
    const statusLog = checkLog(`${p}.statusLog`, c.statusLog, "DatanetRegistry", [statusEvent], {
      contributionId: { value: c.id, field: `${p}.id` },
      ...(statusEvent === "ContributionReviewed" ? { status: { value: c.status, field: `${p}.status` } } : {}),
    });
    if (statusLog === null && statusEvent !== "ContributionReviewed") {
      // A wrong status can point at the wrong kind of event: say so on the status too.
      const tx = chain.transactions.get(c.statusLog.transactionHash.toLowerCase());
      const log = tx?.logs.find((l) => l.logIndex === c.statusLog.logIndex);
      const d = log ? decodeLog("DatanetRegistry", log) : null;
      if (d && d.eventName !== statusEvent) fail(`${p}.status`, `the status log is a ${d.eventName}, which does not set status ${c.status}`);
    }
    priorTo(`${p}.statusLog`, c.statusLog);
    if (before(c.statusLog, c.submittedLog)) fail(`${p}.statusLog`, "the status log comes before the submission");
    if (!r.datanets.some((d) => d.id === c.datanetId)) fail(`${p}.datanetId`, `datanet ${c.datanetId} is not among the receipt's datanets`);
    if (c.run) {
      const run = c.run;
      const trained = checkLog(`${p}.run.log`, run.log, "ModelRegistry", ["ModelTrained"], {
        modelId: { value: run.modelId, field: `${p}.run.modelId` },
        version: { value: run.version, field: `${p}.run.version` },
        contributionsRoot: { value: run.contributionsRoot, field: `${p}.run.contributionsRoot` },
      });
      if (trained && !((trained.args.datanetIds as readonly bigint[] | undefined) ?? []).some((id) => same(id, c.datanetId))) {
        fail(`${p}.run`, `training run ${run.modelId} v${run.version} does not name datanet ${c.datanetId}`);
      }
      priorTo(`${p}.run.log`, run.log);
      if (!r.models.some((m) => m.id === run.modelId)) fail(`${p}.run.modelId`, `model ${run.modelId} is not the served model nor one of its ancestors in the receipt`);
      if (run.proof === null) findings.push(`contribution ${c.id}: the root of training run ${run.modelId} v${run.version} does not commit to the recomputed set (the run is not verified), so its membership is not provable`);
      else if (verifyMerkleProof(run.proof, run.contributionsRoot, contributionLeaf(BigInt(c.id)))) pass(`${p}.run.proof`, `contribution ${c.id} is in training run ${run.modelId} v${run.version} (Merkle proof of ${run.proof.length} nodes)`);
      else fail(`${p}.run.proof`, `the Merkle proof does not lead from contribution ${c.id} to root ${run.contributionsRoot}`);
    }
  });

  // The split, recomputed step by step from the receipt's facts (each checked against its log above).
  const datanetOf = new Map(r.datanets.map((d) => [d.id, d]));
  const inputs = r.contributions.flatMap((c, k) => {
    const d = datanetOf.get(c.datanetId);
    if (!d) return [];
    return [{ contributionId: BigInt(c.id), weightPpm: inf.weightsPpm[k] ?? 0, datanetId: BigInt(c.datanetId), datanetOwner: d.owner, ownerShareBps: d.ownerShareBps, contributor: c.contributor }];
  });
  const split = splitFee({ fee: BigInt(inf.fee), params: { protocolFeeBps: fp.protocolFeeBps, modelOwnerShareBps: fp.modelOwnerShareBps, treasury: fp.treasury }, modelOwner: r.models[0]?.owner ?? ("0x" + "0".repeat(40)) as Address, attributions: inputs });
  const step = (field: string, got: string, want: bigint, what: string) => (BigInt(got) === want ? pass(field, `${what} ${want}`) : fail(field, `${what} recomputes to ${want}, the receipt says ${got}`));
  step("split.protocol", r.split.protocol, split.protocol, "protocol fee");
  step("split.modelOwner", r.split.modelOwner, split.modelOwner, "model owner's share");
  step("split.pool", r.split.pool, split.pool, "pool");
  if (r.split.lines.length !== split.lines.length) fail("split.lines", `${split.lines.length} lines recomputed, the receipt has ${r.split.lines.length}`);
  split.lines.forEach((l, k) => {
    const got = r.split.lines[k];
    if (!got) return;
    const p = `split.lines[${k}]`;
    if (got.contributionId !== l.contributionId.toString()) fail(`${p}.contributionId`, `line ${k} is contribution ${l.contributionId}, not ${got.contributionId}`);
    if (got.weightPpm !== l.weightPpm) fail(`${p}.weightPpm`, `weight is ${l.weightPpm} ppm, the receipt says ${got.weightPpm}`);
    if (got.ownerShareBps !== l.ownerShareBps) fail(`${p}.ownerShareBps`, `owner share is ${l.ownerShareBps} bps, the receipt says ${got.ownerShareBps}`);
    step(`${p}.share`, got.share, l.share, `contribution ${l.contributionId}'s share`);
    step(`${p}.ownerCut`, got.ownerCut, l.ownerCut, `contribution ${l.contributionId}'s owner cut`);
    step(`${p}.contributorCut`, got.contributorCut, l.contributorCut, `contribution ${l.contributionId}'s contributor cut`);
  });
  step("split.dust", r.split.dust, split.dust, "dust");
  const expectedKey = (a: { account: string; role: number; amount: bigint | string }) => `${a.account.toLowerCase()}:${a.role}:${a.amount}`;
  const want = split.accruals.map(expectedKey).sort();
  const got = r.split.expected.map(expectedKey).sort();
  if (want.length === got.length && want.every((x, k) => x === got[k])) pass("split.expected", `${want.length} accruals predicted`);
  else fail("split.expected", `the split predicts ${want.join(", ")}; the receipt says ${got.join(", ")}`);

  // The verdict, recomputed: the contribution rules over the cited facts, SPLIT_MISMATCH from the cited accruals.
  const base: Violation[] = contributionRules(
    r.contributions.map((c) => ({ contributionId: BigInt(c.id), status: c.status, datanetId: BigInt(c.datanetId) })),
    new Set(r.contributions.filter((c) => c.run !== null).map((c) => BigInt(c.datanetId))),
  );
  const mismatch = splitMismatchOf(split.accruals, r.accruals.map((a) => ({ account: a.account, role: a.role, amount: BigInt(a.amount) })));
  const v = auditVerdict(base, mismatch, inf.contributionIds.map(BigInt));
  const show = (x: { clean: boolean; violations: { rule: string; contributionIds: (string | bigint)[] }[] }) => (x.clean ? "clean" : x.violations.map((y) => `${y.rule}(${y.contributionIds.join(",")})`).join(" "));
  if (show(v) === show(r.verdict)) {
    pass("verdict", `verdict: ${show(v)}`);
    for (const x of v.violations) findings.push(`${x.rule}: contributions ${x.contributionIds.join(", ")}`);
  } else fail("verdict", `the verdict recomputes to ${show(v)}, the receipt says ${show(r.verdict)}`);

  // Nothing changed the cited facts between their logs and the inference.
  if (!chain.laterLogs) findings.push("not checked: that no later event changed the fee parameters, a status or the run drawn on before the inference (no eth_getLogs answers)");
  else {
    const between = (at: { blockNumber: bigint; logIndex: number }, cited: LogRef) => {
      const after = at.blockNumber > BigInt(cited.blockNumber) || (at.blockNumber === BigInt(cited.blockNumber) && at.logIndex > cited.logIndex);
      const beforeInf = at.blockNumber < BigInt(inf.log.blockNumber) || (at.blockNumber === BigInt(inf.log.blockNumber) && at.logIndex < inf.log.logIndex);
      return after && beforeInf;
    };
    const later = (path: string, cited: LogRef, contract: ContractKey, keep: (d: { eventName: string; args: Record<string, unknown> }) => boolean) => {
      for (const log of chain.laterLogs!.get(path) ?? []) {
        if (log.address.toLowerCase() !== r.contracts[contract] || !between(log, cited)) continue;
        const d = decodeLog(contract, log);
        if (d && keep(d)) return { log, d };
      }
      return null;
    };
    const fee = later("feeParams.log", fp.log, "AttributionEngine", (d) => d.eventName === "FeeParamsUpdated");
    if (fee) fail("feeParams.log", `a later FeeParamsUpdated (block ${fee.log.blockNumber}, log ${fee.log.logIndex}) set other fee parameters before the inference`);
    else pass("feeParams.log", "no later FeeParamsUpdated before the inference: these were the parameters in force");
    r.contributions.forEach((c, k) => {
      const p = `contributions[${k}]`;
      const status = later(`${p}.statusLog`, c.statusLog, "DatanetRegistry", (d) => (d.eventName === "ContributionReviewed" || d.eventName === "ContributionRevoked") && same(d.args.contributionId, c.id));
      if (status) fail(`${p}.statusLog`, `a later ${status.d.eventName} (block ${status.log.blockNumber}, log ${status.log.logIndex}) changed contribution ${c.id}'s status before the inference`);
      else pass(`${p}.statusLog`, `no later status change of contribution ${c.id} before the inference`);
      // No model nearer in the lineage than the trainer (any model, when none) had a run naming the datanet.
      const trainerIndex = c.run ? r.models.findIndex((m) => m.id === c.run!.modelId) : r.models.length;
      for (let j = 0; j < (trainerIndex < 0 ? 0 : trainerIndex); j++) {
        const nearer = later(`models[${j}].runs`, r.models[j]!.log, "ModelRegistry", (d) => d.eventName === "ModelTrained" && same(d.args.modelId, r.models[j]!.id) && ((d.args.datanetIds as readonly bigint[] | undefined) ?? []).some((x) => same(x, c.datanetId)));
        if (nearer) {
          fail(`${p}.run`, c.run
            ? `model ${r.models[j]!.id}, nearer in the lineage than ${c.run.modelId}, had a run naming datanet ${c.datanetId} before the inference (v${String(nearer.d.args.version)}, block ${nearer.log.blockNumber}): the inference drew on that one`
            : `model ${r.models[j]!.id} of the lineage had a run naming datanet ${c.datanetId} before the inference (v${String(nearer.d.args.version)}, block ${nearer.log.blockNumber}): the contribution is not outside the training lineage`);
          break;
        }
      }
      if (c.run) {
        const run = c.run;
        const newer = later(`${p}.run.log`, run.log, "ModelRegistry", (d) => d.eventName === "ModelTrained" && same(d.args.modelId, run.modelId) && ((d.args.datanetIds as readonly bigint[] | undefined) ?? []).some((x) => same(x, c.datanetId)));
        if (newer) fail(`${p}.run`, `a later run of model ${run.modelId} (v${String(newer.d.args.version)}, block ${newer.log.blockNumber}) named datanet ${c.datanetId} before the inference: the inference drew on that one`);
        else pass(`${p}.run`, `run ${run.modelId} v${run.version} was model ${run.modelId}'s latest naming datanet ${c.datanetId} at the inference`);
      }
    });
  }

  return { ok: checks.every((c) => c.ok), checks, findings };
}
