/**
 * The training Merkle root of PROTOCOL.md: leaves keccak256(abi.encode(uint256 id)) sorted by
 * contribution id, parents keccak256 of the two children in ascending byte order (OpenZeppelin
 * MerkleProof), an odd node carried up unchanged, the empty set's root bytes32(0). No I/O.
 */
import { bytesToHex, concat, encodeAbiParameters, keccak256, type Hex } from "viem";

export const EMPTY_ROOT: Hex = `0x${"0".repeat(64)}`;

export function contributionLeaf(contributionId: bigint): Hex {
  return keccak256(encodeAbiParameters([{ type: "uint256" }], [contributionId]));
}

export function hashPair(a: Hex, b: Hex): Hex {
  return a.toLowerCase() < b.toLowerCase() ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** Ascending, distinct. */
export function sortedUnique(ids: readonly bigint[]): bigint[] {
  const sorted = [...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return sorted.filter((id, i) => i === 0 || id !== sorted[i - 1]);
}

/** Every level of the tree, leaves first. */
function levels(ids: readonly bigint[]): Hex[][] {
  const out: Hex[][] = [sortedUnique(ids).map(contributionLeaf)];
  for (let level = out[0]!; level.length > 1; ) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? hashPair(level[i]!, level[i + 1]!) : level[i]!);
    }
    out.push(next);
    level = next;
  }
  return out;
}

export function merkleRoot(contributionIds: readonly bigint[]): Hex {
  if (contributionIds.length === 0) return EMPTY_ROOT;
  const all = levels(contributionIds);
  return all[all.length - 1]![0]!;
}

/** The sibling path from a contribution's leaf to the root, or null when it is not in the set. */
export function merkleProof(contributionIds: readonly bigint[], contributionId: bigint): Hex[] | null {
  const ids = sortedUnique(contributionIds);
  let index = ids.indexOf(contributionId);
  if (index < 0) return null;
  const proof: Hex[] = [];
  for (const level of levels(ids).slice(0, -1)) {
    const sibling = index ^ 1;
    if (sibling < level.length) proof.push(level[sibling]!);
    index >>= 1;
  }
  return proof;
}

/** OpenZeppelin's MerkleProof.verify: fold the proof into the leaf with sorted-pair hashing. */
export function verifyMerkleProof(proof: readonly Hex[], root: Hex, leaf: Hex): boolean {
  let computed = leaf;
  for (const node of proof) computed = hashPair(computed, node);
  return computed.toLowerCase() === root.toLowerCase();
}

/**
 * Leaf hashes by contribution id: a pure function of the id, so memoising them is safe across
 * reorgs and restarts. Bounded: cleared when it grows past LEAF_MEMO_MAX entries.
 */
const leafMemo = new Map<bigint, Uint8Array>();
const LEAF_MEMO_MAX = 1_000_000;

function leafBytes(id: bigint): Uint8Array {
  let leaf = leafMemo.get(id);
  if (leaf === undefined) {
    if (id < 0n || id >= 1n << 256n) throw new RangeError(`contribution id ${id} is not a uint256`);
    const word = new Uint8Array(32); // abi.encode(uint256): 32 bytes, big-endian
    for (let i = 31, v = id; v > 0n; i--, v >>= 8n) word[i] = Number(v & 0xffn);
    leaf = keccak256(word, "bytes");
    if (leafMemo.size >= LEAF_MEMO_MAX) leafMemo.clear();
    leafMemo.set(id, leaf);
  }
  return leaf;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

const pair = new Uint8Array(64);
function hashPairBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [lo, hi] = compareBytes(a, b) < 0 ? [a, b] : [b, a];
  pair.set(lo, 0);
  pair.set(hi, 32);
  return keccak256(pair, "bytes");
}

/**
 * merkleRoot computed on bytes with memoised leaves: the indexer verifies every training run, and
 * hex strings per node cost more than the hashing. `sortedIds` must be ascending and distinct
 * (sortedUnique).
 */
export function trainingRoot(sortedIds: readonly bigint[]): Hex {
  if (sortedIds.length === 0) return EMPTY_ROOT;
  let level = sortedIds.map(leafBytes);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? hashPairBytes(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return bytesToHex(level[0]!);
}
