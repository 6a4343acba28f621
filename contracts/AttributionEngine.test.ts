/**
 * AttributionEngine on a real anvil: start state from events, admin calls, every recordInference
 * revert, InferenceAttributed and RewardAccrued field by field against core/split.ts splitFee()
 * (fed from the registries' own views), OPEN moving exactly by the fee, and claims.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { keccak256, maxUint256, parseEventLogs, stringToHex, zeroAddress, type Address, type Hex, type TransactionReceipt } from "viem";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import { splitFee, type Accrual, type AttributionInput } from "../core/split.js";
import { Role } from "../core/roles.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";

const abi = AttributionEngineAbi;
let chain: ProtocolChain;
let admin: Address, ownerA: Address, ownerB: Address, c1: Address, c2: Address, c3: Address, modelOwner: Address, payer: Address, attestor: Address, stranger: Address;
let snap: Hex;

// Fixture (built once, restored by snapshot around every test):
//   datanet 1: ownerA, 25 % owner share, open     datanet 2: ownerB, 0 %, open
//   datanet 3: ownerA, 100 %, permissioned (c1 allowed)
//   contributions 1: c1@d1, 2: c2@d1, 3: c3@d2, 4: c1@d3, 5: ownerA@d1 (pending), 6..261: 256 more, alternating d1/d2
//   model 1: modelOwner; model 2: ownerA, LoRA of model 1
//   payer: 10^30 OPEN minted, 10^29 approved to the engine
const BIG_IDS = Array.from({ length: 256 }, (_, i) => 6n + BigInt(i));
const FUNDS = 10n ** 30n;
const APPROVED = 10n ** 29n;
const OUT = keccak256(stringToHex("output"));

beforeAll(async () => {
  chain = await startProtocolChain();
  [admin, ownerA, ownerB, c1, c2, c3, modelOwner, payer, attestor, stranger] = chain.accounts as [Address, Address, Address, Address, Address, Address, Address, Address, Address, Address];
  const dn = (from: Address, fn: "createDatanet" | "submitContribution" | "setContributorAllowed" | "reviewContribution", args: readonly unknown[]) =>
    chain.send(from, chain.datanets, { abi: DatanetRegistryAbi, functionName: fn, args } as never);
  await dn(ownerA, "createDatanet", ["one", "", 2500, false]);
  await dn(ownerB, "createDatanet", ["two", "", 0, false]);
  await dn(ownerA, "createDatanet", ["three", "", 10_000, true]);
  await dn(ownerA, "setContributorAllowed", [3n, c1, true]);
  const h = (i: number) => keccak256(stringToHex(`content ${i}`));
  await dn(c1, "submitContribution", [1n, h(1), "", 1n]);
  await dn(c2, "submitContribution", [1n, h(2), "", 1n]);
  await dn(c3, "submitContribution", [2n, h(3), "", 1n]);
  await dn(c1, "submitContribution", [3n, h(4), "", 1n]);
  await dn(ownerA, "submitContribution", [1n, h(5), "", 1n]);
  for (const id of [1n, 2n, 4n]) await dn(id === 3n ? ownerB : ownerA, "reviewContribution", [id, 1, "ok"]);
  const contributors = [c1, c2, c3, ownerA, ownerB, stranger];
  for (let i = 0; i < 256; i++) await dn(contributors[i % contributors.length]!, "submitContribution", [BigInt(1 + (i % 2)), h(6 + i), "", 1n]);
  await chain.send(modelOwner, chain.models, { abi: ModelRegistryAbi, functionName: "registerModel", args: ["base", "llama", 0n, ""] });
  await chain.send(ownerA, chain.models, { abi: ModelRegistryAbi, functionName: "registerModel", args: ["lora", "llama", 1n, ""] });
  await chain.send(admin, chain.token, { abi: OpenTokenAbi, functionName: "mint", args: [payer, FUNDS] });
  await chain.send(payer, chain.token, { abi: OpenTokenAbi, functionName: "approve", args: [chain.engine, APPROVED] });
}, 120_000);
afterAll(async () => chain?.stop());
beforeEach(async () => { snap = await chain.snapshot(); });
afterEach(async () => chain.revert(snap));

// ---- reads -----------------------------------------------------------------------------------
const openBalance = (a: Address) => chain.client.readContract({ address: chain.token, abi: OpenTokenAbi, functionName: "balanceOf", args: [a] });
const openAllowance = (o: Address) => chain.client.readContract({ address: chain.token, abi: OpenTokenAbi, functionName: "allowance", args: [o, chain.engine] });
const claimable = (a: Address) => chain.client.readContract({ address: chain.engine, abi, functionName: "claimable", args: [a] });
const inferenceCount = () => chain.client.readContract({ address: chain.engine, abi, functionName: "inferenceCount" });

/** The split PROTOCOL.md prescribes, from the chain's own views and core/split.ts. */
async function expectedAccruals(modelId: bigint, fee: bigint, ids: readonly bigint[], weights: readonly number[]): Promise<Accrual[]> {
  const r = <T>(address: Address, a: readonly unknown[], functionName: string, args: readonly unknown[]) =>
    chain.client.readContract({ address, abi: a, functionName, args } as never) as Promise<T>;
  const attributions: AttributionInput[] = [];
  for (const [i, contributionId] of ids.entries()) {
    const datanetId = await r<bigint>(chain.datanets, DatanetRegistryAbi, "datanetOf", [contributionId]);
    attributions.push({
      contributionId, weightPpm: weights[i]!, datanetId,
      contributor: await r<Address>(chain.datanets, DatanetRegistryAbi, "contributorOf", [contributionId]),
      datanetOwner: await r<Address>(chain.datanets, DatanetRegistryAbi, "ownerOf", [datanetId]),
      ownerShareBps: await r<number>(chain.datanets, DatanetRegistryAbi, "ownerShareBpsOf", [datanetId]),
    });
  }
  const params = {
    protocolFeeBps: await r<number>(chain.engine, abi, "protocolFeeBps", []),
    modelOwnerShareBps: await r<number>(chain.engine, abi, "modelOwnerShareBps", []),
    treasury: await r<Address>(chain.engine, abi, "treasury", []),
  };
  const owner = await r<Address>(chain.models, ModelRegistryAbi, "ownerOf", [modelId]);
  return splitFee({ fee, params, modelOwner: owner, attributions }).accruals;
}

type InferArgs = { modelId?: bigint; fee: bigint; ids: readonly bigint[]; weights: readonly number[]; method?: number; from?: Address; payer?: Address };
const inferCall = ({ modelId = 1n, fee, ids, weights, method = 1, payer: p = payer }: InferArgs) =>
  ({ abi, functionName: "recordInference", args: [modelId, OUT, p, fee, method, ids, weights] }) as const;
const infer = (a: InferArgs) => chain.send(a.from ?? admin, chain.engine, inferCall(a));
const accrued = (r: TransactionReceipt): Accrual[] =>
  parseEventLogs({ abi, logs: r.logs, eventName: "RewardAccrued" }).map((e) => ({ account: e.args.account, role: e.args.role as Accrual["role"], amount: e.args.amount }));
const revertOf = (a: InferArgs) => chain.revertOf(a.from ?? admin, chain.engine, inferCall(a));

// ---- start state -------------------------------------------------------------------------------
describe("a fresh deployment", () => {
  test("emits FeeParamsUpdated(500, 2000, deployer) then AttestorUpdated(deployer, true) in its constructor", async () => {
    const block = BigInt(chain.deployment.contracts.AttributionEngine.startBlock);
    const logs = await chain.client.getContractEvents({ address: chain.engine, abi, fromBlock: block, toBlock: block });
    expect(logs.map((l) => [l.eventName, l.args])).toEqual([
      ["FeeParamsUpdated", { protocolFeeBps: 500, modelOwnerShareBps: 2000, treasury: chain.deployer }],
      ["AttestorUpdated", { attestor: chain.deployer, allowed: true }],
    ]);
  });

  test("has the deployer as admin, treasury and attestor, fees 500/2000 bps and no inferences", async () => {
    const read = (functionName: "admin" | "treasury" | "protocolFeeBps" | "modelOwnerShareBps") => chain.client.readContract({ address: chain.engine, abi, functionName });
    expect([await read("admin"), await read("treasury"), await read("protocolFeeBps"), await read("modelOwnerShareBps")]).toEqual([admin, admin, 500, 2000]);
    expect(await chain.client.readContract({ address: chain.engine, abi, functionName: "isAttestor", args: [admin] })).toBe(true);
    expect(await inferenceCount()).toBe(0n);
  });
});

// ---- admin -------------------------------------------------------------------------------------
describe("setAttestor", () => {
  test("by the admin emits AttestorUpdated; an added attestor can record, a removed one cannot", async () => {
    const add = await chain.send(admin, chain.engine, { abi, functionName: "setAttestor", args: [attestor, true] });
    expect(parseEventLogs({ abi, logs: add.logs }).map((e) => [e.eventName, e.args])).toEqual([["AttestorUpdated", { attestor, allowed: true }]]);
    await infer({ fee: 100n, ids: [1n], weights: [1_000_000], from: attestor });
    const remove = await chain.send(admin, chain.engine, { abi, functionName: "setAttestor", args: [attestor, false] });
    expect(parseEventLogs({ abi, logs: remove.logs }).map((e) => e.args)).toEqual([{ attestor, allowed: false }]);
    expect(await revertOf({ fee: 100n, ids: [1n], weights: [1_000_000], from: attestor })).toEqual({ errorName: "NotAttestor", args: [attestor] });
  });

  test.each([
    { who: "a stranger", from: () => stranger },
    { who: "an attestor", from: () => attestor },
  ])("reverts with NotAdmin when called by $who", async ({ from }) => {
    await chain.send(admin, chain.engine, { abi, functionName: "setAttestor", args: [attestor, true] });
    expect(await chain.revertOf(from(), chain.engine, { abi, functionName: "setAttestor", args: [stranger, true] })).toEqual({ errorName: "NotAdmin", args: [from()] });
  });
});

describe("setFeeParams", () => {
  test.each([
    [10_000, 0],
    [0, 10_000],
    [2500, 7500],
    [0, 0],
    [123, 4567],
  ])("by the admin accepts %i + %i bps (at most 10000), emits FeeParamsUpdated and updates the views", async (p, m) => {
    const r = await chain.send(admin, chain.engine, { abi, functionName: "setFeeParams", args: [p, m, stranger] });
    expect(parseEventLogs({ abi, logs: r.logs }).map((e) => [e.eventName, e.args])).toEqual([
      ["FeeParamsUpdated", { protocolFeeBps: p, modelOwnerShareBps: m, treasury: stranger }],
    ]);
    const read = (functionName: "treasury" | "protocolFeeBps" | "modelOwnerShareBps") => chain.client.readContract({ address: chain.engine, abi, functionName });
    expect([await read("protocolFeeBps"), await read("modelOwnerShareBps"), await read("treasury")]).toEqual([p, m, stranger]);
  });

  test.each([
    [5001, 5000],
    [10_000, 1],
    [1, 10_000],
    [10_001, 0],
    [65_535, 65_535],
  ])("reverts when %i + %i bps add up to more than 10000", async (p, m) => {
    expect(await chain.revertOf(admin, chain.engine, { abi, functionName: "setFeeParams", args: [p, m, admin] })).toEqual({
      errorName: "FeeSharesTooHigh", args: [p, m],
    });
  });

  test("reverts with NotAdmin when called by anyone but the admin", async () => {
    expect(await chain.revertOf(stranger, chain.engine, { abi, functionName: "setFeeParams", args: [0, 0, stranger] })).toEqual({
      errorName: "NotAdmin", args: [stranger],
    });
  });
});

// ---- recordInference reverts ---------------------------------------------------------------
describe("recordInference reverts, and moves no OPEN", () => {
  const W1 = [1_000_000];
  test.each([
    { name: "called by a stranger (not an attestor)", a: () => ({ fee: 100n, ids: [1n], weights: W1, from: stranger }), error: () => ["NotAttestor", [stranger]] },
    { name: "called by the model owner (not an attestor)", a: () => ({ fee: 100n, ids: [1n], weights: W1, from: modelOwner }), error: () => ["NotAttestor", [modelOwner]] },
    { name: "the model is 0", a: () => ({ modelId: 0n, fee: 100n, ids: [1n], weights: W1 }), error: () => ["UnknownModel", [0n]] },
    { name: "the model does not exist", a: () => ({ modelId: 3n, fee: 100n, ids: [1n], weights: W1 }), error: () => ["UnknownModel", [3n]] },
    { name: "more ids than weights", a: () => ({ fee: 100n, ids: [1n, 2n], weights: W1 }), error: () => ["LengthMismatch", [2n, 1n]] },
    { name: "more weights than ids", a: () => ({ fee: 100n, ids: [1n], weights: [500_000, 500_000] }), error: () => ["LengthMismatch", [1n, 2n]] },
    { name: "the attribution is empty", a: () => ({ fee: 100n, ids: [], weights: [] }), error: () => ["EmptyAttribution", []] },
    {
      name: "it has 257 entries",
      a: () => ({ fee: 100n, ids: [...BIG_IDS, 1n], weights: [...Array<number>(256).fill(3891), 3904] }),
      error: () => ["TooManyAttributions", [257n]],
    },
    { name: "a contribution does not exist", a: () => ({ fee: 100n, ids: [1n, 262n], weights: [500_000, 500_000] }), error: () => ["UnknownContribution", [262n]] },
    { name: "a contribution id is 0", a: () => ({ fee: 100n, ids: [0n], weights: W1 }), error: () => ["UnknownContribution", [0n]] },
    { name: "a contribution appears twice", a: () => ({ fee: 100n, ids: [1n, 2n, 1n], weights: [400_000, 300_000, 300_000] }), error: () => ["DuplicateContribution", [1n]] },
    { name: "a weight is 0", a: () => ({ fee: 100n, ids: [1n, 2n, 3n], weights: [500_000, 0, 500_000] }), error: () => ["ZeroWeight", [2n]] },
    { name: "the weights add up to 999,999", a: () => ({ fee: 100n, ids: [1n, 2n], weights: [500_000, 499_999] }), error: () => ["WeightsDoNotSumToOneMillion", [999_999n]] },
    { name: "the weights add up to 1,000,001", a: () => ({ fee: 100n, ids: [1n, 2n], weights: [500_000, 500_001] }), error: () => ["WeightsDoNotSumToOneMillion", [1_000_001n]] },
    {
      name: "the weights overflow uint32 in sum",
      a: () => ({ fee: 100n, ids: [1n, 2n], weights: [4_294_967_295, 705_032_705] }),
      error: () => ["WeightsDoNotSumToOneMillion", [5_000_000_000n]],
    },
    { name: "the payer has not approved the engine", a: () => ({ fee: 100n, ids: [1n], weights: W1, payer: c1 }), error: () => ["InsufficientAllowance", [chain.engine, 0n, 100n]] },
    { name: "the fee exceeds the payer's allowance", a: () => ({ fee: APPROVED + 1n, ids: [1n], weights: W1 }), error: () => ["InsufficientAllowance", [chain.engine, APPROVED, APPROVED + 1n]] },
  ])("when $name", async ({ a, error }) => {
    const [errorName, args] = error() as [string, unknown[]];
    const before = [await openBalance(payer), await openBalance(chain.engine), await claimable(admin), await inferenceCount()];
    expect(await revertOf(a())).toEqual({ errorName, args });
    expect([await openBalance(payer), await openBalance(chain.engine), await claimable(admin), await inferenceCount()]).toEqual(before);
  });

  test("when the payer approved the engine but holds no OPEN", async () => {
    await chain.send(stranger, chain.token, { abi: OpenTokenAbi, functionName: "approve", args: [chain.engine, maxUint256] });
    expect(await revertOf({ fee: 5n, ids: [1n], weights: W1, payer: stranger })).toEqual({ errorName: "InsufficientBalance", args: [stranger, 0n, 5n] });
  });

  test("accepts exactly 256 entries (the limit)", async () => {
    const weights = [...Array<number>(255).fill(3906), 3970];
    const r = await infer({ fee: 10n ** 18n + 7n, ids: BIG_IDS, weights });
    expect(parseEventLogs({ abi, logs: r.logs, eventName: "InferenceAttributed" })[0]!.args.contributionIds).toHaveLength(256);
  });

  test("does not check status or training lineage: pending and revoked contributions are accepted", async () => {
    await chain.send(ownerA, chain.datanets, { abi: DatanetRegistryAbi, functionName: "revokeContribution", args: [5n] });
    const r = await infer({ modelId: 2n, fee: 1000n, ids: [5n, 3n], weights: [500_000, 500_000] });
    expect(r.status).toBe("success");
  });
});

// ---- recordInference events and money ---------------------------------------------------
describe("recordInference", () => {
  test("emits InferenceAttributed with every field, before its RewardAccrued events, with ids counting from 1", async () => {
    const r1 = await infer({ fee: 1000n, ids: [3n, 1n], weights: [250_000, 750_000], method: 2 });
    const r2 = await infer({ modelId: 2n, fee: 7n, ids: [2n], weights: [1_000_000], method: 1 });
    const ev = (r: TransactionReceipt) => parseEventLogs({ abi, logs: r.logs });
    const [first, ...rest1] = ev(r1);
    expect([first?.eventName, first?.address, first?.args]).toEqual([
      "InferenceAttributed", chain.engine.toLowerCase(),
      { inferenceId: 1n, modelId: 1n, payer, outputHash: OUT, fee: 1000n, method: 2, contributionIds: [3n, 1n], weightsPpm: [250_000, 750_000] },
    ]);
    expect(rest1.every((e) => e.eventName === "RewardAccrued" && e.args.inferenceId === 1n)).toBe(true);
    expect(ev(r2)[0]?.args).toEqual({ inferenceId: 2n, modelId: 2n, payer, outputHash: OUT, fee: 7n, method: 1, contributionIds: [2n], weightsPpm: [1_000_000] });
    expect(await inferenceCount()).toBe(2n);
  });

  test("pulls exactly the fee from the payer into the engine (Transfer event, balances, allowance)", async () => {
    const before = { payer: await openBalance(payer), engine: await openBalance(chain.engine), allowance: await openAllowance(payer) };
    const fee = 123_456_789_000_000_000_000n;
    const r = await infer({ fee, ids: [1n, 2n], weights: [600_000, 400_000] });
    expect(parseEventLogs({ abi: OpenTokenAbi, logs: r.logs, eventName: "Transfer" }).map((e) => e.args)).toEqual([{ from: payer, to: chain.engine, value: fee }]);
    expect(await openBalance(payer)).toBe(before.payer - fee);
    expect(await openBalance(chain.engine)).toBe(before.engine + fee);
    expect(await openAllowance(payer)).toBe(before.allowance - fee);
  });

  test("credits the hand-worked split: 333,333/333,333/333,334 of 1000 leaves 2 wei of dust to the treasury", async () => {
    // protocol 50, model owner 200, pool 750; shares 249 (c1@d1, 25 %), 249 (c2@d1), 250 (c3@d2, 0 %)
    const r = await infer({ fee: 1000n, ids: [1n, 2n, 3n], weights: [333_333, 333_333, 333_334] });
    expect(accrued(r)).toEqual([
      { account: admin, role: Role.Treasury, amount: 52n },
      { account: modelOwner, role: Role.ModelOwner, amount: 200n },
      { account: ownerA, role: Role.DatanetOwner, amount: 62n + 62n },
      { account: c1, role: Role.Contributor, amount: 187n },
      { account: c2, role: Role.Contributor, amount: 187n },
      { account: c3, role: Role.Contributor, amount: 250n },
    ]);
    expect([await claimable(admin), await claimable(modelOwner), await claimable(ownerA), await claimable(c1), await claimable(c2), await claimable(c3)])
      .toEqual([52n, 200n, 124n, 187n, 187n, 250n]);
  });

  const cases: { name: string; a: () => InferArgs; setup?: () => Promise<unknown> }[] = [
    { name: "rounding with dust", a: () => ({ fee: 1000n, ids: [1n, 2n, 3n], weights: [333_333, 333_333, 333_334] }) },
    { name: "a fee of 0 (no RewardAccrued at all)", a: () => ({ fee: 0n, ids: [1n, 3n], weights: [500_000, 500_000] }) },
    { name: "a fee of 1 wei", a: () => ({ fee: 1n, ids: [1n], weights: [1_000_000] }) },
    { name: "a fee of 1 wei split two ways (all dust)", a: () => ({ fee: 1n, ids: [1n, 3n], weights: [500_000, 500_000] }) },
    { name: "a 0 % owner-share datanet (no datanet-owner accrual)", a: () => ({ fee: 10_000n, ids: [3n], weights: [1_000_000] }) },
    { name: "a 100 % owner-share datanet (no contributor accrual)", a: () => ({ fee: 10_000n, ids: [4n], weights: [1_000_000] }) },
    { name: "0 % and 100 % datanets together", a: () => ({ fee: 999_999n, ids: [3n, 4n, 1n], weights: [1, 999_998, 1] }) },
    { name: "one account as model owner, datanet owner and contributor", a: () => ({ modelId: 2n, fee: 10n ** 18n, ids: [5n, 4n, 1n], weights: [700_000, 200_000, 100_000] }) },
    {
      name: "one account in all four roles (treasury too)",
      setup: () => chain.send(admin, chain.engine, { abi, functionName: "setFeeParams", args: [300, 1500, ownerA] }),
      a: () => ({ modelId: 2n, fee: 10n ** 18n + 3n, ids: [5n, 1n], weights: [999_999, 1] }),
    },
    {
      name: "fee parameters changed to 0 / 0 (whole fee to data)",
      setup: () => chain.send(admin, chain.engine, { abi, functionName: "setFeeParams", args: [0, 0, c3] }),
      a: () => ({ fee: 777n, ids: [1n, 3n], weights: [123_456, 876_544] }),
    },
    {
      name: "fee parameters summing to exactly 10000 (nothing for data)",
      setup: () => chain.send(admin, chain.engine, { abi, functionName: "setFeeParams", args: [2500, 7500, c3] }),
      a: () => ({ fee: 12_345n, ids: [1n, 3n], weights: [500_000, 500_000] }),
    },
    { name: "a 256-entry attribution", a: () => ({ fee: 10n ** 18n + 7n, ids: BIG_IDS, weights: [...Array<number>(255).fill(3906), 3970] }) },
    {
      name: "a huge fee near 2^255",
      setup: async () => {
        await chain.send(admin, chain.token, { abi: OpenTokenAbi, functionName: "mint", args: [stranger, 2n ** 255n + 12_345n] });
        await chain.send(stranger, chain.token, { abi: OpenTokenAbi, functionName: "approve", args: [chain.engine, maxUint256] });
      },
      a: () => ({ fee: 2n ** 255n + 12_345n, ids: [1n, 3n, 4n], weights: [333_333, 333_333, 333_334], payer: stranger }),
    },
    {
      name: "the largest fee the token can still mint (2^256 - 1 - 10^30)",
      setup: async () => {
        await chain.send(admin, chain.token, { abi: OpenTokenAbi, functionName: "mint", args: [stranger, maxUint256 - FUNDS] });
        await chain.send(stranger, chain.token, { abi: OpenTokenAbi, functionName: "approve", args: [chain.engine, maxUint256] });
      },
      a: () => ({ fee: maxUint256 - FUNDS, ids: [4n, 1n, 3n], weights: [1, 999_998, 1], payer: stranger }),
    },
  ];

  test.each(cases)("credits RewardAccrued per (account, role) exactly as splitFee() for $name", async ({ a, setup }) => {
    await setup?.();
    const args = a();
    const payerAddr = args.payer ?? payer;
    const accounts = [...new Set([admin, ownerA, ownerB, c1, c2, c3, modelOwner, payer, stranger])];
    const claimBefore = await Promise.all(accounts.map(claimable));
    const payerBefore = await openBalance(payerAddr);
    const engineBefore = await openBalance(chain.engine);
    const expected = await expectedAccruals(args.modelId ?? 1n, args.fee, args.ids, args.weights);

    const r = await infer(args);
    const got = accrued(r);
    expect(got).toEqual(expected);
    expect(got.every((g) => g.amount > 0n)).toBe(true);
    expect(new Set(got.map((g) => `${g.account}:${g.role}`)).size).toBe(got.length);
    expect(got.reduce((s, g) => s + g.amount, 0n)).toBe(args.fee);
    expect(parseEventLogs({ abi, logs: r.logs, eventName: "RewardAccrued" }).every((e) => e.args.inferenceId === 1n)).toBe(true);

    const claimAfter = await Promise.all(accounts.map(claimable));
    accounts.forEach((acct, i) => {
      const credited = got.filter((g) => g.account === acct).reduce((s, g) => s + g.amount, 0n);
      expect(claimAfter[i]! - claimBefore[i]!, `claimable of ${acct}`).toBe(credited);
    });
    expect(await openBalance(payerAddr)).toBe(payerBefore - args.fee);
    expect(await openBalance(chain.engine)).toBe(engineBefore + args.fee);
  });

  test("sums accruals across inferences into claimable", async () => {
    const r1 = await infer({ fee: 1000n, ids: [1n], weights: [1_000_000] });
    const r2 = await infer({ fee: 3333n, ids: [2n, 1n], weights: [1, 999_999] });
    const total = [...accrued(r1), ...accrued(r2)].filter((g) => g.account === c1).reduce((s, g) => s + g.amount, 0n);
    expect(total).toBeGreaterThan(0n);
    expect(await claimable(c1)).toBe(total);
  });
});

// ---- claim ---------------------------------------------------------------------------------
describe("claim", () => {
  beforeEach(async () => {
    await infer({ fee: 10n ** 20n + 1n, ids: [1n, 2n, 3n], weights: [333_333, 333_333, 333_334] });
  });

  test("to oneself pays the whole claimable, emits RewardClaimed and a Transfer, and zeroes claimable", async () => {
    const amount = await claimable(c1);
    expect(amount).toBeGreaterThan(0n);
    const engineBefore = await openBalance(chain.engine);
    const r = await chain.send(c1, chain.engine, { abi, functionName: "claim", args: [c1] });
    expect(parseEventLogs({ abi, logs: r.logs }).map((e) => [e.eventName, e.args])).toEqual([["RewardClaimed", { account: c1, to: c1, amount }]]);
    expect(parseEventLogs({ abi: OpenTokenAbi, logs: r.logs }).map((e) => [e.eventName, e.args])).toEqual([["Transfer", { from: chain.engine, to: c1, value: amount }]]);
    expect(await claimable(c1)).toBe(0n);
    expect(await openBalance(c1)).toBe(amount);
    expect(await openBalance(chain.engine)).toBe(engineBefore - amount);
  });

  test("to another address lands the OPEN at `to`, not at the claimer", async () => {
    const amount = await claimable(ownerA);
    const r = await chain.send(ownerA, chain.engine, { abi, functionName: "claim", args: [stranger] });
    expect(parseEventLogs({ abi, logs: r.logs, eventName: "RewardClaimed" }).map((e) => e.args)).toEqual([{ account: ownerA, to: stranger, amount }]);
    expect(await claimable(ownerA)).toBe(0n);
    expect(await claimable(stranger)).toBe(0n);
    expect(await openBalance(stranger)).toBe(amount);
    expect(await openBalance(ownerA)).toBe(0n);
  });

  test("after every payee claims, the engine holds no OPEN: the accruals covered the fees exactly", async () => {
    for (const acct of [admin, modelOwner, ownerA, c1, c2, c3]) {
      await chain.send(acct, chain.engine, { abi, functionName: "claim", args: [acct] });
    }
    expect(await openBalance(chain.engine)).toBe(0n);
  });

  test.each([
    { who: "an account that never earned", from: () => stranger },
    { who: "the payer", from: () => payer },
  ])("reverts with NothingToClaim for $who", async ({ from }) => {
    expect(await chain.revertOf(from(), chain.engine, { abi, functionName: "claim", args: [from()] })).toEqual({ errorName: "NothingToClaim", args: [from()] });
  });

  test("reverts with NothingToClaim on a second claim", async () => {
    await chain.send(c2, chain.engine, { abi, functionName: "claim", args: [c2] });
    expect(await chain.revertOf(c2, chain.engine, { abi, functionName: "claim", args: [stranger] })).toEqual({ errorName: "NothingToClaim", args: [c2] });
  });

  test("to the zero address reverts and keeps the balance claimable", async () => {
    const amount = await claimable(c3);
    expect(await chain.revertOf(c3, chain.engine, { abi, functionName: "claim", args: [zeroAddress] })).toEqual({ errorName: "InvalidReceiver", args: [zeroAddress] });
    expect(await claimable(c3)).toBe(amount);
  });
});
