/**
 * core/merkle.ts against the EVM: a test-only copy of OpenZeppelin's MerkleProof.verify
 * (contracts/test/MerkleVerifier.sol), compiled here with the npm solc package and deployed to a
 * fresh anvil, must accept every proof core produces and reject wrong ones.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPublicClient, createWalletClient, http, type Abi, type Address, type Hex, type PublicClient } from "viem";
import { foundry } from "viem/chains";
import { startAnvil, type AnvilHandle } from "../chain/anvil.js";
import { contributionLeaf, merkleProof, merkleRoot } from "../core/merkle.js";

const require = createRequire(import.meta.url);

function compileFixture(): { abi: Abi; bytecode: Hex } {
  const solc = require("solc");
  const source = readFileSync(new URL("./test/MerkleVerifier.sol", import.meta.url), "utf8");
  const out = JSON.parse(solc.compile(JSON.stringify({
    language: "Solidity",
    sources: { "MerkleVerifier.sol": { content: source } },
    settings: { evmVersion: "paris", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  })));
  const errors = (out.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n"));
  const c = out.contracts["MerkleVerifier.sol"].MerkleVerifier;
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

let anvil: AnvilHandle;
let client: PublicClient;
let verifier: Address;
let abi: Abi;

beforeAll(async () => {
  const fixture = compileFixture();
  abi = fixture.abi;
  anvil = await startAnvil();
  const transport = http(anvil.rpcUrl, { retryCount: 0 });
  client = createPublicClient({ chain: foundry, transport }) as PublicClient;
  const [from] = await createWalletClient({ chain: foundry, transport }).getAddresses();
  const wallet = createWalletClient({ chain: foundry, transport, account: from! });
  const hash = await wallet.deployContract({ abi, bytecode: fixture.bytecode });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
  verifier = receipt.contractAddress!;
});
afterAll(async () => anvil?.stop());

const call = <T>(functionName: string, args: readonly unknown[]) => client.readContract({ address: verifier, abi, functionName, args }) as Promise<T>;
const verifyOnChain = (proof: Hex[], root: Hex, leaf: Hex) => call<boolean>("verify", [proof, root, leaf]);
const range = (n: number, from = 1n): bigint[] => Array.from({ length: n }, (_, i) => from + BigInt(i));
const flip = (h: Hex): Hex => `${h.slice(0, -1)}${h.endsWith("0") ? "1" : "0"}` as Hex;

describe("core/merkle.ts on chain (OpenZeppelin MerkleProof.verify)", () => {
  test.each([0n, 1n, 42n, 2n ** 64n, 2n ** 256n - 1n])("contributionLeaf(%s) equals keccak256(abi.encode(uint256)) computed by the EVM", async (id) => {
    expect(await call<Hex>("contributionLeaf", [id])).toBe(contributionLeaf(id));
  });

  test.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 33])("merkleRoot of %i ids equals the root built on chain", async (n) => {
    const ids = range(n, 100n);
    expect(await call<Hex>("rootOfSortedIds", [ids])).toBe(merkleRoot([...ids].reverse()));
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 33])("every proof of a %i-leaf tree verifies on chain", async (n) => {
    const ids = range(n, 7n);
    const root = merkleRoot(ids);
    const results = await Promise.all(ids.map((id) => verifyOnChain(merkleProof(ids, id)!, root, contributionLeaf(id))));
    expect(results).toEqual(ids.map(() => true));
  });

  test.each([2, 3, 5, 9, 33])("a wrong proof in a %i-leaf tree is rejected on chain", async (n) => {
    const ids = range(n);
    const root = merkleRoot(ids);
    const proof = merkleProof(ids, 2n)!;
    const checks = [
      verifyOnChain(proof.map((p, i) => (i === 0 ? flip(p) : p)), root, contributionLeaf(2n)), // tampered sibling
      verifyOnChain(proof, root, contributionLeaf(1n)), // another leaf's proof
      verifyOnChain(proof, root, contributionLeaf(BigInt(n) + 1n)), // a non-member
      verifyOnChain(proof.slice(1), root, contributionLeaf(2n)), // truncated
      verifyOnChain(proof, flip(root), contributionLeaf(2n)), // wrong root
    ];
    expect(await Promise.all(checks)).toEqual([false, false, false, false, false]);
  });

  test("the one-leaf tree's empty proof verifies only its own leaf", async () => {
    expect(await verifyOnChain([], merkleRoot([5n]), contributionLeaf(5n))).toBe(true);
    expect(await verifyOnChain([], merkleRoot([5n]), contributionLeaf(6n))).toBe(false);
  });
});
