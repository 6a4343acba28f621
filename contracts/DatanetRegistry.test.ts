/** DatanetRegistry on a real anvil: every revert and every event field of PROTOCOL.md. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  decodeAbiParameters, encodeAbiParameters, toEventSelector, keccak256, parseEventLogs, stringToHex, toFunctionSelector, concat,
  type Address, type Hex,
} from "viem";
import { DatanetRegistryAbi } from "../abis/index.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";

let chain: ProtocolChain;
let owner: Address, alice: Address, bob: Address, carol: Address;
let snap: Hex;

beforeAll(async () => {
  chain = await startProtocolChain();
  [, owner, alice, bob, carol] = chain.accounts as [Address, Address, Address, Address, Address];
});
afterAll(async () => chain?.stop());
beforeEach(async () => { snap = await chain.snapshot(); });
afterEach(async () => chain.revert(snap));

const abi = DatanetRegistryAbi;
const hash = (s: string): Hex => keccak256(stringToHex(s));
const events = (logs: Parameters<typeof parseEventLogs>[0]["logs"]) => parseEventLogs({ abi, logs });

async function createDatanet(from: Address, ownerShareBps = 1000, permissioned = false, name = "ds", uri = "ipfs://ds"): Promise<bigint> {
  const r = await chain.send(from, chain.datanets, { abi, functionName: "createDatanet", args: [name, uri, ownerShareBps, permissioned] });
  const [ev] = parseEventLogs({ abi, logs: r.logs, eventName: "DatanetCreated" });
  return ev!.args.datanetId;
}
async function submit(from: Address, datanetId: bigint, content: string, uri = "ipfs://c", size = 1n): Promise<bigint> {
  const r = await chain.send(from, chain.datanets, { abi, functionName: "submitContribution", args: [datanetId, hash(content), uri, size] });
  const [ev] = parseEventLogs({ abi, logs: r.logs, eventName: "ContributionSubmitted" });
  return ev!.args.contributionId;
}
const review = (from: Address, id: bigint, status: number, reason = "") =>
  chain.send(from, chain.datanets, { abi, functionName: "reviewContribution", args: [id, status, reason] });
const statusOf = (id: bigint) => chain.client.readContract({ address: chain.datanets, abi, functionName: "statusOf", args: [id] });

const HOSTILE: { name: string; text: string }[] = [
  { name: "empty", text: "" },
  { name: "markup", text: `<script>alert("x")</script><img src=x onerror=alert(1)>` },
  { name: "a javascript: URL", text: "javascript:alert(document.cookie)" },
  { name: "SQL and quotes", text: `'; DROP TABLE datanets; -- "\\' \`` },
  { name: "emoji, ZWJ sequences and CJK", text: "数据网 🚀 👩‍👩‍👧‍👦 データ" },
  { name: "right-to-left override and zero-width characters", text: "\u202Egnp.exe\u200B\u200D\uFEFF" },
  { name: "NUL and control characters", text: "a\u0000b\u0001\u001b[31mred\r\n\ttab" },
  { name: "combining marks", text: "e\u0301 Z\u0351\u0300\u0316a\u0360lgo" },
  { name: "20,000 characters", text: "x".repeat(19_999) + "é" },
];

describe("createDatanet", () => {
  test("assigns ids from 1 and emits DatanetCreated with every field", async () => {
    const r1 = await chain.send(owner, chain.datanets, { abi, functionName: "createDatanet", args: ["Medical", "ipfs://m", 0, false] });
    const r2 = await chain.send(alice, chain.datanets, { abi, functionName: "createDatanet", args: ["Legal", "https://l", 10_000, true] });
    expect(events(r1.logs).map((e) => [e.eventName, e.address, e.args])).toEqual([
      ["DatanetCreated", chain.datanets.toLowerCase(), { datanetId: 1n, owner, name: "Medical", metadataURI: "ipfs://m", ownerShareBps: 0, permissioned: false }],
    ]);
    expect(events(r2.logs).map((e) => e.args)).toEqual([
      { datanetId: 2n, owner: alice, name: "Legal", metadataURI: "https://l", ownerShareBps: 10_000, permissioned: true },
    ]);
    const ownerOf = (id: bigint) => chain.client.readContract({ address: chain.datanets, abi, functionName: "ownerOf", args: [id] });
    const shareOf = (id: bigint) => chain.client.readContract({ address: chain.datanets, abi, functionName: "ownerShareBpsOf", args: [id] });
    expect([await ownerOf(1n), await shareOf(1n)]).toEqual([owner, 0]);
    expect([await ownerOf(2n), await shareOf(2n)]).toEqual([alice, 10_000]);
  });

  test.each([10_001, 20_000, 65_535])("reverts when ownerShareBps is %i (> 10000) and creates nothing", async (bps) => {
    expect(await chain.revertOf(owner, chain.datanets, { abi, functionName: "createDatanet", args: ["n", "u", bps, false] })).toEqual({
      errorName: "OwnerShareTooHigh", args: [bps],
    });
    expect(await createDatanet(owner)).toBe(1n);
  });

  test.each(HOSTILE)("round-trips a hostile name and URI byte for byte: $name", async ({ text }) => {
    const r = await chain.send(owner, chain.datanets, { abi, functionName: "createDatanet", args: [text, `${text}#uri`, 1, false] });
    const [ev] = parseEventLogs({ abi, logs: r.logs, eventName: "DatanetCreated" });
    expect(ev!.args.name).toBe(text);
    expect(ev!.args.metadataURI).toBe(`${text}#uri`);
    expect(stringToHex(ev!.args.name)).toBe(stringToHex(text));
  });

  test("stores bytes that are not valid UTF-8 unchanged in the event", async () => {
    // A string is ABI-encoded like bytes, so raw calldata can carry invalid UTF-8 the contract never cleans.
    const bad: Hex = "0xff fe c3 28 e2 82 00 ed a0 80".replace(/ /g, "") as Hex;
    const selector = toFunctionSelector("createDatanet(string,string,uint16,bool)");
    const data = concat([selector, encodeAbiParameters([{ type: "bytes" }, { type: "bytes" }, { type: "uint16" }, { type: "bool" }], [bad, "0x", 5, false])]);
    const txHash = await chain.client.request({ method: "eth_sendTransaction", params: [{ from: owner, to: chain.datanets, data }] } as never) as Hex;
    const receipt = await chain.client.waitForTransactionReceipt({ hash: txHash, pollingInterval: 10 });
    expect(receipt.status).toBe("success");
    const [log] = receipt.logs;
    expect(log?.topics[0]).toBe(toEventSelector("DatanetCreated(uint256,address,string,string,uint16,bool)"));
    const fields = decodeAbiParameters([{ type: "bytes" }, { type: "bytes" }, { type: "uint16" }, { type: "bool" }], log!.data);
    expect(fields).toEqual([bad, "0x", 5, false]);
  });
});

describe("setContributorAllowed", () => {
  test("by the datanet owner emits ContributorAllowlistUpdated for allow and disallow", async () => {
    const id = await createDatanet(owner, 0, true);
    const allow = await chain.send(owner, chain.datanets, { abi, functionName: "setContributorAllowed", args: [id, alice, true] });
    const deny = await chain.send(owner, chain.datanets, { abi, functionName: "setContributorAllowed", args: [id, alice, false] });
    expect(events(allow.logs).map((e) => [e.eventName, e.args])).toEqual([["ContributorAllowlistUpdated", { datanetId: id, account: alice, allowed: true }]]);
    expect(events(deny.logs).map((e) => [e.eventName, e.args])).toEqual([["ContributorAllowlistUpdated", { datanetId: id, account: alice, allowed: false }]]);
  });

  test.each([
    { who: "another user", from: () => alice },
    { who: "the account being allow-listed", from: () => bob },
  ])("reverts when called by $who (not the datanet owner)", async ({ from }) => {
    const id = await createDatanet(owner, 0, true);
    expect(await chain.revertOf(from(), chain.datanets, { abi, functionName: "setContributorAllowed", args: [id, bob, true] })).toEqual({
      errorName: "NotDatanetOwner", args: [id, from()],
    });
  });

  test("reverts for a datanet that does not exist", async () => {
    expect(await chain.revertOf(owner, chain.datanets, { abi, functionName: "setContributorAllowed", args: [7n, bob, true] })).toEqual({
      errorName: "UnknownDatanet", args: [7n],
    });
  });
});

describe("submitContribution", () => {
  test("assigns ids from 1 across datanets, emits ContributionSubmitted with every field, status Pending", async () => {
    const d1 = await createDatanet(owner);
    const d2 = await createDatanet(alice);
    const maxSize = 2n ** 64n - 1n;
    const r1 = await chain.send(bob, chain.datanets, { abi, functionName: "submitContribution", args: [d1, hash("a"), "ipfs://a", 123n] });
    const r2 = await chain.send(carol, chain.datanets, { abi, functionName: "submitContribution", args: [d2, hash("b"), HOSTILE[1]!.text, maxSize] });
    expect(events(r1.logs).map((e) => [e.eventName, e.address, e.args])).toEqual([
      ["ContributionSubmitted", chain.datanets.toLowerCase(), { contributionId: 1n, datanetId: d1, contributor: bob, contentHash: hash("a"), uri: "ipfs://a", size: 123n }],
    ]);
    expect(events(r2.logs).map((e) => e.args)).toEqual([
      { contributionId: 2n, datanetId: d2, contributor: carol, contentHash: hash("b"), uri: HOSTILE[1]!.text, size: maxSize },
    ]);
    const datanetOf = await chain.client.readContract({ address: chain.datanets, abi, functionName: "datanetOf", args: [2n] });
    const contributorOf = await chain.client.readContract({ address: chain.datanets, abi, functionName: "contributorOf", args: [2n] });
    expect([datanetOf, contributorOf, await statusOf(2n)]).toEqual([d2, carol, 0]);
  });

  test.each([0n, 2n, 2n ** 256n - 1n])("reverts for unknown datanet %s", async (datanetId) => {
    await createDatanet(owner);
    expect(await chain.revertOf(bob, chain.datanets, { abi, functionName: "submitContribution", args: [datanetId, hash("a"), "u", 1n] })).toEqual({
      errorName: "UnknownDatanet", args: [datanetId],
    });
  });

  test.each([
    { who: "the same contributor", from: () => bob },
    { who: "another contributor", from: () => carol },
  ])("reverts on a contentHash already in that datanet, submitted again by $who", async ({ from }) => {
    const d = await createDatanet(owner);
    const first = await submit(bob, d, "same");
    expect(await chain.revertOf(from(), chain.datanets, { abi, functionName: "submitContribution", args: [d, hash("same"), "other uri", 9n] })).toEqual({
      errorName: "DuplicateContent", args: [d, hash("same"), first],
    });
  });

  test("accepts the same contentHash in another datanet", async () => {
    const d1 = await createDatanet(owner);
    const d2 = await createDatanet(owner);
    expect(await submit(bob, d1, "same")).toBe(1n);
    expect(await submit(bob, d2, "same")).toBe(2n);
  });

  test("on a permissioned datanet accepts only allow-listed accounts, and stops when disallowed", async () => {
    const d = await createDatanet(owner, 500, true);
    const call = (content: string) => ({ abi, functionName: "submitContribution", args: [d, hash(content), "u", 1n] }) as const;
    expect(await chain.revertOf(bob, chain.datanets, call("x"))).toEqual({ errorName: "NotAllowlisted", args: [d, bob] });
    await chain.send(owner, chain.datanets, { abi, functionName: "setContributorAllowed", args: [d, bob, true] });
    expect(await submit(bob, d, "x")).toBe(1n);
    expect(await chain.revertOf(carol, chain.datanets, call("y"))).toEqual({ errorName: "NotAllowlisted", args: [d, carol] });
    await chain.send(owner, chain.datanets, { abi, functionName: "setContributorAllowed", args: [d, bob, false] });
    expect(await chain.revertOf(bob, chain.datanets, call("z"))).toEqual({ errorName: "NotAllowlisted", args: [d, bob] });
  });

  test("on an open datanet accepts anyone", async () => {
    const d = await createDatanet(owner, 500, false);
    expect(await submit(carol, d, "x")).toBe(1n);
  });
});

describe("reviewContribution", () => {
  test.each([
    { status: 1, name: "Accepted" },
    { status: 2, name: "Rejected" },
  ])("by the datanet owner sets status $status ($name) and emits ContributionReviewed", async ({ status }) => {
    const d = await createDatanet(owner);
    const id = await submit(bob, d, "a");
    const r = await review(owner, id, status, HOSTILE[6]!.text);
    expect(events(r.logs).map((e) => [e.eventName, e.args])).toEqual([
      ["ContributionReviewed", { contributionId: id, datanetId: d, reviewer: owner, status, reason: HOSTILE[6]!.text }],
    ]);
    expect(await statusOf(id)).toBe(status);
  });

  test.each([
    { who: "the contributor", from: () => bob },
    { who: "another user", from: () => carol },
  ])("reverts when called by $who (not the datanet owner)", async ({ from }) => {
    const d = await createDatanet(owner);
    const id = await submit(bob, d, "a");
    expect(await chain.revertOf(from(), chain.datanets, { abi, functionName: "reviewContribution", args: [id, 1, ""] })).toEqual({
      errorName: "NotDatanetOwner", args: [d, from()],
    });
    expect(await statusOf(id)).toBe(0);
  });

  test.each([0, 3, 4, 255])("reverts for status %i (only 1 and 2 are reviews)", async (status) => {
    const d = await createDatanet(owner);
    const id = await submit(bob, d, "a");
    expect(await chain.revertOf(owner, chain.datanets, { abi, functionName: "reviewContribution", args: [id, status, ""] })).toEqual({
      errorName: "InvalidReviewStatus", args: [status],
    });
  });

  test.each([
    { from: "Accepted", prior: 1, next: 2 },
    { from: "Accepted", prior: 1, next: 1 },
    { from: "Rejected", prior: 2, next: 1 },
    { from: "Revoked", prior: 3, next: 1 },
  ])("reverts when the contribution is $from, not Pending (re-review as $next)", async ({ prior, next }) => {
    const d = await createDatanet(owner);
    const id = await submit(bob, d, "a");
    if (prior === 3) await chain.send(bob, chain.datanets, { abi, functionName: "revokeContribution", args: [id] });
    else await review(owner, id, prior);
    expect(await chain.revertOf(owner, chain.datanets, { abi, functionName: "reviewContribution", args: [id, next, ""] })).toEqual({
      errorName: "NotPending", args: [id, prior],
    });
    expect(await statusOf(id)).toBe(prior);
  });

  test("reverts for a contribution that does not exist", async () => {
    await createDatanet(owner);
    expect(await chain.revertOf(owner, chain.datanets, { abi, functionName: "reviewContribution", args: [1n, 1, ""] })).toEqual({
      errorName: "UnknownContribution", args: [1n],
    });
  });
});

describe("revokeContribution", () => {
  test.each([
    { from: "Pending", status: 0 },
    { from: "Accepted", status: 1 },
    { from: "Rejected", status: 2 },
  ])("by the contributor works from $from, sets status 3 and emits ContributionRevoked", async ({ status }) => {
    const d = await createDatanet(owner);
    const id = await submit(bob, d, "a");
    if (status !== 0) await review(owner, id, status);
    const r = await chain.send(bob, chain.datanets, { abi, functionName: "revokeContribution", args: [id] });
    expect(events(r.logs).map((e) => [e.eventName, e.args])).toEqual([["ContributionRevoked", { contributionId: id, datanetId: d, contributor: bob }]]);
    expect(await statusOf(id)).toBe(3);
  });

  test.each([
    { who: "the datanet owner", from: () => owner },
    { who: "another user", from: () => carol },
  ])("reverts when called by $who (not the contributor)", async ({ from }) => {
    const d = await createDatanet(owner);
    const id = await submit(bob, d, "a");
    expect(await chain.revertOf(from(), chain.datanets, { abi, functionName: "revokeContribution", args: [id] })).toEqual({
      errorName: "NotContributor", args: [id, from()],
    });
    expect(await statusOf(id)).toBe(0);
  });

  test("reverts when already revoked", async () => {
    const d = await createDatanet(owner);
    const id = await submit(bob, d, "a");
    await chain.send(bob, chain.datanets, { abi, functionName: "revokeContribution", args: [id] });
    expect(await chain.revertOf(bob, chain.datanets, { abi, functionName: "revokeContribution", args: [id] })).toEqual({
      errorName: "AlreadyRevoked", args: [id],
    });
  });

  test("reverts for a contribution that does not exist", async () => {
    expect(await chain.revertOf(bob, chain.datanets, { abi, functionName: "revokeContribution", args: [5n] })).toEqual({
      errorName: "UnknownContribution", args: [5n],
    });
  });
});
