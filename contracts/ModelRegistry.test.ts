/** ModelRegistry on a real anvil: every revert and every event field of PROTOCOL.md. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { keccak256, parseEventLogs, stringToHex, type Address, type Hex } from "viem";
import { DatanetRegistryAbi, ModelRegistryAbi } from "../abis/index.js";
import { merkleRoot } from "../core/merkle.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";

let chain: ProtocolChain;
let alice: Address, bob: Address, carol: Address;
let snap: Hex;

beforeAll(async () => {
  chain = await startProtocolChain();
  [, alice, bob, carol] = chain.accounts as [Address, Address, Address, Address];
  // Two datanets exist for every test: ids 1 and 2.
  for (const name of ["one", "two"]) {
    await chain.send(carol, chain.datanets, { abi: DatanetRegistryAbi, functionName: "createDatanet", args: [name, "", 0, false] });
  }
});
afterAll(async () => chain?.stop());
beforeEach(async () => { snap = await chain.snapshot(); });
afterEach(async () => chain.revert(snap));

const abi = ModelRegistryAbi;
const h = (s: string): Hex => keccak256(stringToHex(s));

async function register(from: Address, parent = 0n, name = "m"): Promise<bigint> {
  const r = await chain.send(from, chain.models, { abi, functionName: "registerModel", args: [name, "llama-3-8b", parent, "ipfs://meta"] });
  return parseEventLogs({ abi, logs: r.logs, eventName: "ModelRegistered" })[0]!.args.modelId;
}
const train = (from: Address, modelId: bigint, datanetIds: bigint[]) =>
  chain.send(from, chain.models, { abi, functionName: "recordTraining", args: [modelId, datanetIds, merkleRoot([1n, 2n]), 2, h("artifact")] });

describe("registerModel", () => {
  test("assigns ids from 1 and emits ModelRegistered with every field; a LoRA adapter names its parent", async () => {
    const r1 = await chain.send(alice, chain.models, { abi, functionName: "registerModel", args: ["Base <b>", "mistral-7b", 0n, "javascript:alert(1)"] });
    const r2 = await chain.send(bob, chain.models, { abi, functionName: "registerModel", args: ["LoRA 🚀", "", 1n, ""] });
    expect(parseEventLogs({ abi, logs: r1.logs }).map((e) => [e.eventName, e.address, e.args])).toEqual([
      ["ModelRegistered", chain.models.toLowerCase(), { modelId: 1n, owner: alice, parentModelId: 0n, name: "Base <b>", baseModel: "mistral-7b", metadataURI: "javascript:alert(1)" }],
    ]);
    expect(parseEventLogs({ abi, logs: r2.logs }).map((e) => e.args)).toEqual([
      { modelId: 2n, owner: bob, parentModelId: 1n, name: "LoRA 🚀", baseModel: "", metadataURI: "" },
    ]);
    expect(await chain.client.readContract({ address: chain.models, abi, functionName: "ownerOf", args: [2n] })).toBe(bob);
    expect(await chain.client.readContract({ address: chain.models, abi, functionName: "ownerOf", args: [3n] })).toBe("0x0000000000000000000000000000000000000000");
  });

  test.each([1n, 2n, 99n, 2n ** 256n - 1n])("reverts for parent %s that does not exist", async (parent) => {
    expect(await chain.revertOf(alice, chain.models, { abi, functionName: "registerModel", args: ["x", "y", parent, "z"] })).toEqual({
      errorName: "UnknownParentModel", args: [parent],
    });
  });

  test("reverts for a parent id not yet assigned even when other models exist", async () => {
    await register(alice);
    expect(await chain.revertOf(alice, chain.models, { abi, functionName: "registerModel", args: ["x", "y", 2n, "z"] })).toEqual({
      errorName: "UnknownParentModel", args: [2n],
    });
    expect(await register(bob, 1n)).toBe(2n); // an adapter of another owner's model is fine
  });
});

describe("recordTraining", () => {
  test("emits ModelTrained with the datanetIds array, root, count and artifact; versions count from 1 per model", async () => {
    const m1 = await register(alice);
    const m2 = await register(bob);
    const root = merkleRoot([1n, 2n, 3n]);
    const r1 = await chain.send(alice, chain.models, { abi, functionName: "recordTraining", args: [m1, [2n, 1n], root, 3, h("a1")] });
    expect(parseEventLogs({ abi, logs: r1.logs }).map((e) => [e.eventName, e.args])).toEqual([
      ["ModelTrained", { modelId: m1, version: 1, datanetIds: [2n, 1n], contributionsRoot: root, contributionCount: 3, artifactHash: h("a1") }],
    ]);
    const v2 = await train(alice, m1, [1n]);
    const other = await train(bob, m2, []);
    const v3 = await train(alice, m1, [1n, 1n]);
    const version = (r: typeof v2) => parseEventLogs({ abi, logs: r.logs, eventName: "ModelTrained" })[0]!.args;
    expect([version(v2).version, version(v3).version, version(other).version]).toEqual([2, 3, 1]);
    expect(version(other).datanetIds).toEqual([]);
    expect(version(v3).datanetIds).toEqual([1n, 1n]);
  });

  test("accepts the empty root and any claimed count (the chain does not check the claim)", async () => {
    const m = await register(alice);
    const r = await chain.send(alice, chain.models, { abi, functionName: "recordTraining", args: [m, [1n], `0x${"00".repeat(32)}`, 4_294_967_295, h("x")] });
    expect(parseEventLogs({ abi, logs: r.logs, eventName: "ModelTrained" })[0]!.args).toMatchObject({ contributionsRoot: `0x${"00".repeat(32)}`, contributionCount: 4_294_967_295 });
  });

  test.each([
    { who: "another user", from: () => bob },
    { who: "the owner of a datanet it names", from: () => carol },
  ])("reverts when called by $who (not the model owner)", async ({ from }) => {
    const m = await register(alice);
    expect(await chain.revertOf(from(), chain.models, { abi, functionName: "recordTraining", args: [m, [1n], merkleRoot([1n]), 1, h("a")] })).toEqual({
      errorName: "NotModelOwner", args: [m, from()],
    });
  });

  test.each([
    { name: "0", ids: [0n], bad: 0n },
    { name: "3 (not yet created)", ids: [1n, 3n], bad: 3n },
    { name: "2^256-1 after valid ones", ids: [1n, 2n, 2n ** 256n - 1n], bad: 2n ** 256n - 1n },
  ])("reverts when a datanet does not exist: $name", async ({ ids, bad }) => {
    const m = await register(alice);
    expect(await chain.revertOf(alice, chain.models, { abi, functionName: "recordTraining", args: [m, ids, merkleRoot([]), 0, h("a")] })).toEqual({
      errorName: "UnknownDatanet", args: [bad],
    });
  });

  test("a reverted training does not use up a version", async () => {
    const m = await register(alice);
    await chain.revertOf(alice, chain.models, { abi, functionName: "recordTraining", args: [m, [9n], merkleRoot([]), 0, h("a")] });
    const r = await train(alice, m, [1n]);
    expect(parseEventLogs({ abi, logs: r.logs, eventName: "ModelTrained" })[0]!.args.version).toBe(1);
  });

  test("reverts for a model that does not exist", async () => {
    expect(await chain.revertOf(alice, chain.models, { abi, functionName: "recordTraining", args: [5n, [1n], merkleRoot([]), 0, h("a")] })).toEqual({
      errorName: "UnknownModel", args: [5n],
    });
  });
});
