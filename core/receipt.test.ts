/**
 * Payout receipts against a chain written out by hand here: logs encoded with the contracts' ABIs,
 * the split worked out by hand (fee 1,000,000 at 5 % / 20 %: pool 750,000; weights 25 % and 75 %;
 * owner shares 10 % and 25 %), a training set {5, 7, 9} with its Merkle root. A receipt that says
 * exactly that verifies; one with any single field changed fails, naming that field.
 */
import { describe, expect, test } from "vitest";
import { encodeAbiParameters, encodeEventTopics, keccak256, toHex, type Abi, type Hex } from "viem";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi } from "../abis/index.js";
import { merkleProof, merkleRoot } from "./merkle.js";
import { citedLogs, decodeReceipt, laterLogQueries, verifyReceipt, type ChainLog, type ChainView, type LogRef, type Receipt } from "./receipt.js";
import type { Address } from "./split.js";

const addr = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}`;
const h = (label: string): Hex => keccak256(toHex(label));
const ENGINE = addr(0xe1);
const DATANETS = addr(0xd0);
const MODELS = addr(0x40);
const TREASURY = addr(0x7e);
const MODEL_OWNER = addr(0x30);
const OWNER1 = addr(0xd1);
const OWNER2 = addr(0xd2);
const C5 = addr(0xc5);
const C9 = addr(0xc9);
const PAYER = addr(0xfa);

interface Tx {
  hash: Hex;
  blockNumber: bigint;
  blockHash: Hex;
  logs: ChainLog[];
}

/** A small chain: transactions with encoded logs, one per block unless told. */
function chainBuilder() {
  const txs = new Map<string, Tx>();
  const blocks = new Map<string, Hex>();
  function tx(label: string, blockNumber: bigint): Tx {
    const t: Tx = { hash: h(`tx:${label}`), blockNumber, blockHash: h(`block:${blockNumber}`), logs: [] };
    txs.set(t.hash, t);
    blocks.set(blockNumber.toString(), t.blockHash);
    return t;
  }
  function log(t: Tx, address: Address, abi: Abi, eventName: string, args: Record<string, unknown>): LogRef {
    const event = abi.find((x) => x.type === "event" && x.name === eventName) as unknown as { inputs: { name: string; type: string; indexed?: boolean }[] };
    const topics = encodeEventTopics({ abi, eventName, args } as never) as Hex[];
    const plain = event.inputs.filter((i) => !i.indexed);
    const data = encodeAbiParameters(plain, plain.map((i) => args[i.name]));
    // Log indexes count per block, across its transactions.
    const logIndex = [...txs.values()].filter((x) => x.blockNumber === t.blockNumber).reduce((n, x) => n + x.logs.length, 0);
    t.logs.push({ address, logIndex, topics, data });
    return { transactionHash: t.hash, blockNumber: t.blockNumber.toString(), blockHash: t.blockHash, logIndex };
  }
  /** eth_getLogs over this chain: address, block range, topic0 alternatives and an indexed argument. */
  const getLogs = (q: ReturnType<typeof laterLogQueries>[number]) =>
    [...txs.values()]
      .filter((t) => t.blockNumber >= q.fromBlock && t.blockNumber <= q.toBlock)
      .flatMap((t) => t.logs.map((l) => ({ ...l, blockNumber: t.blockNumber })))
      .filter((l) => l.address === q.address && q.topics[0].includes(l.topics[0]!) && q.topics.slice(1).every((x, i) => x === null || l.topics[i + 1] === x));
  const view = (r?: Receipt): ChainView => ({
    chainId: 31337,
    transactions: new Map([...txs].map(([k, t]) => [k, { blockHash: t.blockHash, blockNumber: t.blockNumber, logs: t.logs }])),
    canonicalBlocks: new Map(blocks),
    ...(r ? { laterLogs: new Map(laterLogQueries(r).map((q) => [q.path, getLogs(q)])) } : {}),
  });
  return { tx, log, view, blocks };
}

function fixture(): { receipt: Receipt; chain: ReturnType<typeof chainBuilder> } {
  const chain = chainBuilder();
  const E = AttributionEngineAbi as Abi;
  const D = DatanetRegistryAbi as Abi;
  const M = ModelRegistryAbi as Abi;
  const fee = chain.log(chain.tx("fee", 2n), ENGINE, E, "FeeParamsUpdated", { protocolFeeBps: 500, modelOwnerShareBps: 2000, treasury: TREASURY });
  const d1 = chain.log(chain.tx("d1", 3n), DATANETS, D, "DatanetCreated", { datanetId: 1n, owner: OWNER1, name: "one", metadataURI: "", ownerShareBps: 1000, permissioned: false });
  const d2 = chain.log(chain.tx("d2", 4n), DATANETS, D, "DatanetCreated", { datanetId: 2n, owner: OWNER2, name: "<b>two</b>", metadataURI: "javascript:alert(1)", ownerShareBps: 2500, permissioned: false });
  const sub = (id: bigint, datanetId: bigint, contributor: Address, block: bigint) =>
    chain.log(chain.tx(`sub${id}`, block), DATANETS, D, "ContributionSubmitted", { contributionId: id, datanetId, contributor, contentHash: h(`c${id}`), uri: "", size: 1n });
  const s5 = sub(5n, 1n, C5, 5n);
  sub(7n, 2n, C9, 6n);
  const s9 = sub(9n, 2n, C9, 7n);
  const review = chain.tx("reviews", 8n);
  const r5 = chain.log(review, DATANETS, D, "ContributionReviewed", { contributionId: 5n, datanetId: 1n, reviewer: OWNER1, status: 1, reason: "ok" });
  chain.log(review, DATANETS, D, "ContributionReviewed", { contributionId: 7n, datanetId: 2n, reviewer: OWNER2, status: 1, reason: "ok" });
  const r9 = chain.log(review, DATANETS, D, "ContributionReviewed", { contributionId: 9n, datanetId: 2n, reviewer: OWNER2, status: 1, reason: "ok" });
  const m3 = chain.log(chain.tx("m3", 9n), MODELS, M, "ModelRegistered", { modelId: 3n, owner: MODEL_OWNER, parentModelId: 0n, name: "m", baseModel: "b", metadataURI: "" });
  const root = merkleRoot([5n, 7n, 9n]);
  const run = chain.log(chain.tx("run", 10n), MODELS, M, "ModelTrained", { modelId: 3n, version: 1, datanetIds: [1n, 2n], contributionsRoot: root, contributionCount: 3, artifactHash: h("artifact") });
  const itx = chain.tx("inference", 11n);
  const inf = chain.log(itx, ENGINE, E, "InferenceAttributed", { inferenceId: 42n, modelId: 3n, payer: PAYER, outputHash: h("out"), fee: 1_000_000n, method: 1, contributionIds: [5n, 9n], weightsPpm: [250_000, 750_000] });
  const accrue = (account: Address, role: number, amount: bigint) => ({ account, role, amount: amount.toString(), log: chain.log(itx, ENGINE, E, "RewardAccrued", { account, inferenceId: 42n, role, amount }) });
  // By hand: protocol 50,000; model owner 200,000; pool 750,000; shares 187,500 and 562,500;
  // owner cuts 18,750 (10 %) and 140,625 (25 %); contributor cuts 168,750 and 421,875; dust 0.
  const accruals = [accrue(TREASURY, 0, 50_000n), accrue(MODEL_OWNER, 1, 200_000n), accrue(OWNER1, 2, 18_750n), accrue(C5, 3, 168_750n), accrue(OWNER2, 2, 140_625n), accrue(C9, 3, 421_875n)];
  const receipt: Receipt = {
    format: "openledger-explorer/payout-receipt",
    version: 1,
    chainId: 31337,
    contracts: { DatanetRegistry: DATANETS, ModelRegistry: MODELS, AttributionEngine: ENGINE },
    inference: { id: "42", modelId: "3", payer: PAYER, outputHash: h("out"), fee: "1000000", method: 1, contributionIds: ["5", "9"], weightsPpm: [250_000, 750_000], log: inf },
    models: [{ id: "3", owner: MODEL_OWNER, parentModelId: "0", log: m3 }],
    feeParams: { protocolFeeBps: 500, modelOwnerShareBps: 2000, treasury: TREASURY, log: fee },
    datanets: [
      { id: "1", owner: OWNER1, ownerShareBps: 1000, log: d1 },
      { id: "2", owner: OWNER2, ownerShareBps: 2500, log: d2 },
    ],
    contributions: [
      { id: "5", datanetId: "1", contributor: C5, submittedLog: s5, status: 1, statusLog: r5, run: { modelId: "3", version: 1, contributionsRoot: root, proof: merkleProof([5n, 7n, 9n], 5n)!, log: run } },
      { id: "9", datanetId: "2", contributor: C9, submittedLog: s9, status: 1, statusLog: r9, run: { modelId: "3", version: 1, contributionsRoot: root, proof: merkleProof([5n, 7n, 9n], 9n)!, log: run } },
    ],
    accruals,
    split: {
      protocol: "50000",
      modelOwner: "200000",
      pool: "750000",
      lines: [
        { contributionId: "5", weightPpm: 250_000, share: "187500", ownerShareBps: 1000, ownerCut: "18750", contributorCut: "168750" },
        { contributionId: "9", weightPpm: 750_000, share: "562500", ownerShareBps: 2500, ownerCut: "140625", contributorCut: "421875" },
      ],
      dust: "0",
      expected: accruals.map(({ account, role, amount }) => ({ account, role, amount })),
    },
    verdict: { clean: true, violations: [] },
  };
  return { receipt, chain };
}

const failed = (r: Receipt, view: ChainView) => verifyReceipt(r, view).checks.filter((c) => !c.ok);

test("a receipt that says what the chain says verifies, every cited log and step checked", () => {
  const { receipt, chain } = fixture();
  const v = verifyReceipt(receipt, chain.view(receipt));
  expect(v.checks.filter((c) => !c.ok)).toEqual([]);
  expect(v.ok).toBe(true);
  expect(v.findings).toEqual([]);
  const passed = new Set(v.checks.map((c) => c.field));
  for (const { path } of citedLogs(receipt)) expect(passed).toContain(path);
  for (const f of ["split.protocol", "split.pool", "split.lines[1].ownerCut", "split.dust", "contributions[0].run.proof", "contributions[1].run.proof", "verdict"]) expect(passed).toContain(f);
});

const bump = (s: string) => (BigInt(s) + 1n).toString();
const flipHex = (x: Hex): Hex => `${x.slice(0, -1)}${x.endsWith("0") ? "1" : "0"}` as Hex;

describe("a receipt with one field changed fails, naming that field", () => {
  test.each<[string, (r: Receipt) => void]>([
    ["accruals[3].amount", (r) => void (r.accruals[3]!.amount = bump(r.accruals[3]!.amount))],
    ["accruals[0].account", (r) => void (r.accruals[0]!.account = addr(0xbad))],
    ["accruals[2].log.logIndex", (r) => void (r.accruals[2]!.log.logIndex = r.accruals[4]!.log.logIndex)],
    ["accruals[1].log.logIndex", (r) => void (r.accruals[1]!.log.logIndex = 99)],
    ["inference.weightsPpm[0]", (r) => void (r.inference.weightsPpm = [300_000, 700_000])],
    ["inference.fee", (r) => void (r.inference.fee = bump(r.inference.fee))],
    ["inference.log.logIndex", (r) => void (r.inference.log.logIndex = 1)],
    ["inference.log.blockHash", (r) => void (r.inference.log.blockHash = flipHex(r.inference.log.blockHash))],
    ["feeParams.log.blockHash", (r) => void (r.feeParams.log.blockHash = flipHex(r.feeParams.log.blockHash))],
    ["feeParams.protocolFeeBps", (r) => void (r.feeParams.protocolFeeBps = 400)],
    ["datanets[1].ownerShareBps", (r) => void (r.datanets[1]!.ownerShareBps = 2000)],
    ["models[0].owner", (r) => void (r.models[0]!.owner = addr(0xbad))],
    ["contributions[1].contributor", (r) => void (r.contributions[1]!.contributor = C5)],
    ["contributions[0].status", (r) => void (r.contributions[0]!.status = 2)],
    ["contributions[0].run.proof", (r) => void (r.contributions[0]!.run!.proof![1] = flipHex(r.contributions[0]!.run!.proof![1]!))],
    ["contributions[1].run.proof", (r) => void r.contributions[1]!.run!.proof!.pop()],
    ["contributions[1].run.contributionsRoot", (r) => void (r.contributions[1]!.run!.contributionsRoot = flipHex(r.contributions[1]!.run!.contributionsRoot))],
    ["split.lines[0].share", (r) => void (r.split.lines[0]!.share = bump(r.split.lines[0]!.share))],
    ["split.lines[1].weightPpm", (r) => void (r.split.lines[1]!.weightPpm = 749_999)],
    ["split.dust", (r) => void (r.split.dust = "1")],
    ["split.expected", (r) => void (r.split.expected[0]!.amount = "1")],
    ["verdict", (r) => void (r.verdict = { clean: false, violations: [{ rule: "SPLIT_MISMATCH", contributionIds: ["5", "9"] }] })],
    ["accruals", (r) => void r.accruals.pop()],
    ["chainId", (r) => void (r.chainId = 1)],
  ])("%s", (field, tamper) => {
    const { receipt, chain } = fixture();
    const copy = structuredClone(receipt);
    tamper(copy);
    const decoded = decodeReceipt(JSON.parse(JSON.stringify(copy)));
    expect(decoded.ok).toBe(true);
    const bad = failed(decoded.ok ? decoded.value : copy, chain.view());
    expect(bad.map((c) => c.field)).toContain(field);
  });
});

test("without eth_getLogs answers, the later-event checks are reported as not made", () => {
  const { receipt, chain } = fixture();
  const v = verifyReceipt(receipt, chain.view());
  expect(v.ok).toBe(true);
  expect(v.findings.join("\n")).toMatch(/^not checked: that no later event changed/);
});

describe("a cited fact that a later event changed before the inference fails, naming it", () => {
  test.each<[string, (c: ReturnType<typeof chainBuilder>) => void]>([
    ["feeParams.log", (c) => void c.log(c.tx("fee2", 10n), ENGINE, AttributionEngineAbi as Abi, "FeeParamsUpdated", { protocolFeeBps: 100, modelOwnerShareBps: 100, treasury: TREASURY })],
    ["contributions[0].statusLog", (c) => void c.log(c.tx("revoke5", 10n), DATANETS, DatanetRegistryAbi as Abi, "ContributionRevoked", { contributionId: 5n, datanetId: 1n, contributor: C5 })],
    ["contributions[1].run", (c) => void c.log(c.tx("run2", 10n), MODELS, ModelRegistryAbi as Abi, "ModelTrained", { modelId: 3n, version: 2, datanetIds: [2n], contributionsRoot: h("r"), contributionCount: 1, artifactHash: h("a") })],
  ])("%s", (field, later) => {
    const { receipt, chain } = fixture();
    later(chain);
    const bad = failed(receipt, chain.view(receipt));
    expect(bad.map((c) => c.field)).toEqual([field]);
  });

  test("contributions[0].run: a contribution said to be outside the lineage whose datanet a model of it was trained on", () => {
    const { receipt, chain } = fixture();
    // The receipt claims no run for contribution 5 (and the verdict that follows from it).
    receipt.contributions[0]!.run = null;
    receipt.verdict = { clean: false, violations: [{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: ["5"] }] };
    const bad = failed(receipt, chain.view(receipt));
    expect(bad.map((c) => c.field)).toEqual(["contributions[0].run"]);
    expect(bad[0]!.message).toMatch(/not outside the training lineage/);
  });

  test("an adapter's own run naming the datanet comes before its parent's", () => {
    const { receipt, chain } = fixture();
    // Model 8 adapts model 3 and was trained on datanet 2 itself: contribution 9 drew on 8's run, not 3's.
    const m8 = chain.log(chain.tx("m8", 10n), MODELS, ModelRegistryAbi as Abi, "ModelRegistered", { modelId: 8n, owner: MODEL_OWNER, parentModelId: 3n, name: "adapter", baseModel: "b", metadataURI: "" });
    chain.log(chain.tx("run8", 10n), MODELS, ModelRegistryAbi as Abi, "ModelTrained", { modelId: 8n, version: 1, datanetIds: [2n], contributionsRoot: h("r8"), contributionCount: 2, artifactHash: h("a8") });
    receipt.models.unshift({ id: "8", owner: MODEL_OWNER, parentModelId: "3", log: m8 });
    receipt.inference.modelId = "8";
    const bad = failed(receipt, chain.view(receipt));
    expect(bad.map((c) => c.field)).toContain("contributions[1].run");
    expect(bad.find((c) => c.field === "contributions[1].run")!.message).toMatch(/model 8, nearer in the lineage than 3/);
  });

  test("events of other contributions, models or datanets, or after the inference, change nothing", () => {
    const { receipt, chain } = fixture();
    chain.log(chain.tx("revoke7", 10n), DATANETS, DatanetRegistryAbi as Abi, "ContributionRevoked", { contributionId: 7n, datanetId: 2n, contributor: C9 });
    chain.log(chain.tx("run-other-datanet", 10n), MODELS, ModelRegistryAbi as Abi, "ModelTrained", { modelId: 3n, version: 2, datanetIds: [9n], contributionsRoot: h("r"), contributionCount: 1, artifactHash: h("a") });
    chain.log(chain.tx("fee-after", 12n), ENGINE, AttributionEngineAbi as Abi, "FeeParamsUpdated", { protocolFeeBps: 100, modelOwnerShareBps: 100, treasury: TREASURY });
    expect(failed(receipt, chain.view(receipt))).toEqual([]);
  });
});

test("a log whose block is no longer canonical fails as not canonical", () => {
  const { receipt, chain } = fixture();
  chain.blocks.set("11", h("another block 11"));
  const bad = failed(receipt, chain.view());
  expect(bad.map((c) => c.field)).toContain("inference.log.blockHash");
  expect(bad.find((c) => c.field === "inference.log.blockHash")!.message).toMatch(/not canonical/);
});

test("a transaction the chain no longer has fails as not canonical", () => {
  const { receipt, chain } = fixture();
  const view = chain.view();
  (view.transactions as Map<string, unknown>).set(receipt.inference.log.transactionHash, null);
  const bad = failed(receipt, view);
  expect(bad.find((c) => c.field === "inference.log.transactionHash")?.message).toMatch(/not canonical/);
});

test("a receipt reporting a contribution that was not accepted verifies when the chain agrees, and reports it", () => {
  const { receipt, chain } = fixture();
  // Contribution 9 is rejected instead: its status log is a review with status 2.
  const t = chain.tx("reject9", 8n);
  receipt.contributions[1]!.statusLog = chain.log(t, DATANETS, DatanetRegistryAbi as Abi, "ContributionReviewed", { contributionId: 9n, datanetId: 2n, reviewer: OWNER2, status: 2, reason: "no" });
  receipt.contributions[1]!.status = 2;
  receipt.verdict = { clean: false, violations: [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: ["9"] }] };
  const v = verifyReceipt(receipt, chain.view(receipt));
  expect(v.checks.filter((c) => !c.ok)).toEqual([]);
  expect(v.findings).toEqual(["CONTRIBUTION_NOT_ACCEPTED: contributions 9"]);
});

test.each([
  [null, "receipt must be an object"],
  [{ format: "x" }, 'format must be "openledger-explorer/payout-receipt"'],
  [{ format: "openledger-explorer/payout-receipt", version: 2 }, "version 2 is not supported"],
])("decodeReceipt refuses %j", (json, message) => {
  const d = decodeReceipt(json);
  expect(d.ok).toBe(false);
  expect(d.ok ? "" : d.error).toContain(message);
});

test("decodeReceipt names a malformed field", () => {
  const { receipt } = fixture();
  const bad = JSON.parse(JSON.stringify(receipt));
  bad.contributions[0].run.proof[0] = "0x1234";
  const d = decodeReceipt(bad);
  expect(d.ok ? "" : d.error).toContain("contributions[0].run.proof[0] must be a 32-byte 0x hash");
});
