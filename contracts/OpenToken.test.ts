/** OPEN (PROTOCOL.md "OpenToken") on a real anvil: metadata, owner-only mint, Transfer and Approval. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { parseEventLogs, zeroAddress, type Address, type Hex } from "viem";
import { OpenTokenAbi } from "../abis/index.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";

let chain: ProtocolChain;
let owner: Address, alice: Address, bob: Address, carol: Address;
let snap: Hex;

beforeAll(async () => {
  chain = await startProtocolChain();
  [owner, alice, bob, carol] = chain.accounts as [Address, Address, Address, Address];
});
afterAll(async () => chain?.stop());
beforeEach(async () => { snap = await chain.snapshot(); });
afterEach(async () => chain.revert(snap));

const balance = (a: Address) => chain.client.readContract({ address: chain.token, abi: OpenTokenAbi, functionName: "balanceOf", args: [a] });
const allowance = (o: Address, s: Address) => chain.client.readContract({ address: chain.token, abi: OpenTokenAbi, functionName: "allowance", args: [o, s] });
const read = <F extends "name" | "symbol" | "decimals" | "totalSupply" | "owner">(functionName: F) =>
  chain.client.readContract({ address: chain.token, abi: OpenTokenAbi, functionName });

describe("OpenToken", () => {
  test("is named Open, symbol OPEN, 18 decimals, owned by the deployer, with no supply", async () => {
    expect(await read("name")).toBe("Open");
    expect(await read("symbol")).toBe("OPEN");
    expect(await read("decimals")).toBe(18);
    expect(await read("owner")).toBe(owner);
    expect(await read("totalSupply")).toBe(0n);
  });

  test("mint by the owner credits the receiver and emits Transfer from the zero address", async () => {
    const receipt = await chain.send(owner, chain.token, { abi: OpenTokenAbi, functionName: "mint", args: [alice, 10n ** 21n] });
    const [ev, ...rest] = parseEventLogs({ abi: OpenTokenAbi, logs: receipt.logs });
    expect(rest).toEqual([]);
    expect(ev?.eventName).toBe("Transfer");
    expect(ev?.address).toBe(chain.token.toLowerCase());
    expect(ev?.args).toEqual({ from: zeroAddress, to: alice, value: 10n ** 21n });
    expect(await balance(alice)).toBe(10n ** 21n);
    expect(await read("totalSupply")).toBe(10n ** 21n);
  });

  test.each([
    { who: "a user", from: 1 },
    { who: "the receiver itself", from: 2 },
  ])("mint by $who (not the owner) reverts with NotOwner and mints nothing", async ({ from }) => {
    const sender = chain.accounts[from]!;
    expect(await chain.revertOf(sender, chain.token, { abi: OpenTokenAbi, functionName: "mint", args: [bob, 1n] })).toEqual({ errorName: "NotOwner", args: [] });
    expect(await balance(bob)).toBe(0n);
    expect(await read("totalSupply")).toBe(0n);
  });

  test("transfer moves the amount exactly and emits Transfer", async () => {
    await chain.send(owner, chain.token, { abi: OpenTokenAbi, functionName: "mint", args: [alice, 1000n] });
    const receipt = await chain.send(alice, chain.token, { abi: OpenTokenAbi, functionName: "transfer", args: [bob, 999n] });
    expect(parseEventLogs({ abi: OpenTokenAbi, logs: receipt.logs, eventName: "Transfer" }).map((l) => l.args)).toEqual([{ from: alice, to: bob, value: 999n }]);
    expect([await balance(alice), await balance(bob)]).toEqual([1n, 999n]);
  });

  test("transfer of more than the balance reverts with InsufficientBalance", async () => {
    await chain.send(owner, chain.token, { abi: OpenTokenAbi, functionName: "mint", args: [alice, 5n] });
    expect(await chain.revertOf(alice, chain.token, { abi: OpenTokenAbi, functionName: "transfer", args: [bob, 6n] })).toEqual({
      errorName: "InsufficientBalance", args: [alice, 5n, 6n],
    });
  });

  test("approve emits Approval; transferFrom spends the allowance and moves the balance", async () => {
    await chain.send(owner, chain.token, { abi: OpenTokenAbi, functionName: "mint", args: [alice, 100n] });
    const approved = await chain.send(alice, chain.token, { abi: OpenTokenAbi, functionName: "approve", args: [bob, 60n] });
    expect(parseEventLogs({ abi: OpenTokenAbi, logs: approved.logs }).map((l) => [l.eventName, l.args])).toEqual([
      ["Approval", { owner: alice, spender: bob, value: 60n }],
    ]);
    const moved = await chain.send(bob, chain.token, { abi: OpenTokenAbi, functionName: "transferFrom", args: [alice, carol, 40n] });
    expect(parseEventLogs({ abi: OpenTokenAbi, logs: moved.logs, eventName: "Transfer" }).map((l) => l.args)).toEqual([{ from: alice, to: carol, value: 40n }]);
    expect(await allowance(alice, bob)).toBe(20n);
    expect([await balance(alice), await balance(carol)]).toEqual([60n, 40n]);
    expect(await chain.revertOf(bob, chain.token, { abi: OpenTokenAbi, functionName: "transferFrom", args: [alice, carol, 21n] })).toEqual({
      errorName: "InsufficientAllowance", args: [bob, 20n, 21n],
    });
  });
});
