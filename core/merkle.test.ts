/**
 * The training Merkle root of PROTOCOL.md, checked against a reference written here with different
 * code (recursive, split at the largest power of two, big-integer ordering) instead of core's
 * level-by-level loop, plus fixed vectors and proof round trips.
 */
import { describe, expect, test } from "vitest";
import { keccak256, type Hex } from "viem";
import { EMPTY_ROOT, contributionLeaf, hashPair, merkleProof, merkleRoot, sortedUnique, trainingRoot, verifyMerkleProof } from "./merkle.js";

// ---- independent reference -------------------------------------------------------------------
const word = (n: bigint): string => n.toString(16).padStart(64, "0");
const refLeaf = (id: bigint): Hex => keccak256(`0x${word(id)}`);
const refPair = (a: Hex, b: Hex): Hex => {
  const [lo, hi] = BigInt(a) <= BigInt(b) ? [a, b] : [b, a];
  return keccak256(`0x${lo.slice(2)}${hi.slice(2)}`);
};
/** Pairing level by level with an odd node carried up equals splitting at the largest power of two below n. */
const refTree = (leaves: Hex[]): Hex => {
  if (leaves.length === 1) return leaves[0]!;
  let p = 1;
  while (p * 2 < leaves.length) p *= 2;
  return refPair(refTree(leaves.slice(0, p)), refTree(leaves.slice(p)));
};
const refRoot = (ids: bigint[]): Hex => {
  const set = [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return set.length === 0 ? `0x${"00".repeat(32)}` : refTree(set.map(refLeaf));
};
const refVerify = (proof: Hex[], root: Hex, leaf: Hex): boolean => proof.reduce(refPair, leaf) === root;
// -----------------------------------------------------------------------------------------------

const range = (n: number, from = 1n): bigint[] => Array.from({ length: n }, (_, i) => from + BigInt(i));
const flipLastNibble = (h: Hex): Hex => `${h.slice(0, -1)}${h.endsWith("0") ? "1" : "0"}` as Hex;

describe("contributionLeaf", () => {
  test.each([
    { id: 0n, leaf: "0x290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563" },
    { id: 1n, leaf: "0xb10e2d527612073b26eecdfd717e6a320cf44b4afac2b0732d9fcbe2b7fa0cf6" },
    { id: 2n ** 256n - 1n, leaf: refLeaf(2n ** 256n - 1n) },
    { id: 123_456_789n, leaf: refLeaf(123_456_789n) },
  ])("is keccak256(abi.encode(uint256 $id))", ({ id, leaf }) => {
    expect(contributionLeaf(id)).toBe(leaf);
  });
});

describe("hashPair", () => {
  test("hashes the two children in ascending byte order, whichever comes first", () => {
    const a = contributionLeaf(1n);
    const b = contributionLeaf(2n);
    expect(hashPair(a, b)).toBe(hashPair(b, a));
    expect(hashPair(a, b)).toBe(refPair(a, b));
  });
});

describe("merkleRoot", () => {
  test("is bytes32(0) for the empty set", () => {
    expect(merkleRoot([])).toBe(EMPTY_ROOT);
    expect(EMPTY_ROOT).toBe(`0x${"0".repeat(64)}`);
  });

  test.each([1n, 7n, 2n ** 200n])("is the leaf itself for the one-leaf set {%s}", (id) => {
    expect(merkleRoot([id])).toBe(contributionLeaf(id));
  });

  test("of two leaves is keccak256 of the smaller leaf then the larger", () => {
    const [l1, l2] = [contributionLeaf(1n), contributionLeaf(2n)];
    const [lo, hi] = BigInt(l1) < BigInt(l2) ? [l1, l2] : [l2, l1];
    expect(merkleRoot([1n, 2n])).toBe(keccak256(`0x${lo.slice(2)}${hi.slice(2)}`));
  });

  test("of three leaves carries the odd third leaf up unchanged", () => {
    const [l1, l2, l3] = [1n, 2n, 3n].map(contributionLeaf) as [Hex, Hex, Hex];
    expect(merkleRoot([1n, 2n, 3n])).toBe(refPair(refPair(l1, l2), l3));
  });

  test.each([2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 33, 100])("matches the reference for %i leaves", (n) => {
    expect(merkleRoot(range(n))).toBe(refRoot(range(n)));
    expect(merkleRoot(range(n, 1000n))).toBe(refRoot(range(n, 1000n)));
  });

  test.each([
    { name: "unsorted ids", input: [5n, 3n, 9n, 1n, 4n], same: [1n, 3n, 4n, 5n, 9n] },
    { name: "duplicate ids", input: [1n, 2n, 2n, 3n, 1n], same: [1n, 2n, 3n] },
    { name: "unsorted duplicates around a huge id", input: [2n ** 255n, 10n, 2n ** 255n, 2n], same: [2n, 10n, 2n ** 255n] },
    { name: "ids that sort differently as strings than as numbers", input: [10n, 9n, 100n, 2n], same: [2n, 9n, 10n, 100n] },
  ])("treats $name as the sorted set", ({ input, same }) => {
    expect(merkleRoot(input)).toBe(merkleRoot(same));
    expect(merkleRoot(input)).toBe(refRoot(same));
  });

  test("changes when one id of the set changes", () => {
    expect(merkleRoot([1n, 2n, 3n])).not.toBe(merkleRoot([1n, 2n, 4n]));
    expect(merkleRoot([1n, 2n, 3n])).not.toBe(merkleRoot([1n, 2n]));
  });
});

describe("merkleProof and verifyMerkleProof", () => {
  test.each([1, 2, 3, 4, 5, 7, 8, 9, 33])("every leaf of a %i-leaf tree has a proof that verifies", (n) => {
    const ids = range(n, 11n).reverse(); // unsorted input on purpose
    const root = merkleRoot(ids);
    for (const id of ids) {
      const proof = merkleProof(ids, id);
      expect(proof, `proof for ${id}`).not.toBeNull();
      expect(verifyMerkleProof(proof!, root, contributionLeaf(id))).toBe(true);
      expect(refVerify(proof!, refRoot(ids), refLeaf(id))).toBe(true);
      expect(proof!.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
    }
  });

  test.each([
    { name: "an id not in the set", ids: [1n, 2n, 3n], id: 4n },
    { name: "id 0 when the set starts at 1", ids: [1n, 2n], id: 0n },
    { name: "any id of the empty set", ids: [], id: 1n },
  ])("has no proof for $name", ({ ids, id }) => {
    expect(merkleProof(ids, id)).toBeNull();
  });

  test.each([2, 3, 5, 8, 9])("rejects a tampered proof in a %i-leaf tree", (n) => {
    const ids = range(n);
    const root = merkleRoot(ids);
    for (const id of ids) {
      const proof = merkleProof(ids, id)!;
      for (let k = 0; k < proof.length; k++) {
        const tampered = proof.map((p, i) => (i === k ? flipLastNibble(p) : p));
        expect(verifyMerkleProof(tampered, root, contributionLeaf(id))).toBe(false);
      }
      expect(verifyMerkleProof(proof.slice(0, -1), root, contributionLeaf(id))).toBe(false);
      expect(verifyMerkleProof(proof, flipLastNibble(root), contributionLeaf(id))).toBe(false);
    }
  });

  test("rejects a good proof presented for another leaf", () => {
    const ids = range(5);
    const proof = merkleProof(ids, 1n)!;
    expect(verifyMerkleProof(proof, merkleRoot(ids), contributionLeaf(2n))).toBe(false);
    expect(verifyMerkleProof(proof, merkleRoot(ids), contributionLeaf(6n))).toBe(false);
    expect(verifyMerkleProof([], merkleRoot([1n]), contributionLeaf(2n))).toBe(false);
  });

  test("rejects a leaf of one tree against the root of another", () => {
    const proof = merkleProof(range(4), 2n)!;
    expect(verifyMerkleProof(proof, merkleRoot(range(5)), contributionLeaf(2n))).toBe(false);
  });
});

describe("the byte-level training root equals merkleRoot", () => {
  const big = (1n << 256n) - 1n;
  test.each<[string, bigint[]]>([
    ["one leaf", [7n]],
    ["two leaves", [1n, 2n]],
    ["an odd node carried up", [1n, 2n, 3n]],
    ["a power of two", [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]],
    ["an odd count at several levels", Array.from({ length: 13 }, (_, i) => BigInt(i * 37 + 1))],
    ["hundreds of sparse ids", Array.from({ length: 301 }, (_, i) => BigInt(i) * 1_000_003n + 11n)],
    ["the largest uint256 and zero", [0n, 255n, 256n, big]],
  ])("%s", (_name, ids) => {
    expect(trainingRoot(sortedUnique(ids))).toBe(merkleRoot(ids));
  });
  test("sortedUnique sorts numerically and drops repeats", () => {
    expect(sortedUnique([10n, 2n, 10n, 1n, 2n])).toEqual([1n, 2n, 10n]);
  });
  test("an id outside uint256 is refused", () => {
    expect(() => trainingRoot([1n << 256n])).toThrow(RangeError);
  });
});
