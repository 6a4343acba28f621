/**
 * The training Merkle root of PROTOCOL.md: leaves keccak256(abi.encode(uint256 id)) sorted by
 * contribution id, parents keccak256 of the two children in ascending byte order (OpenZeppelin
 * MerkleProof), an odd node carried up unchanged, the empty set's root bytes32(0). No I/O.
 */
import { concat, encodeAbiParameters, keccak256, type Hex } from "viem";

export const EMPTY_ROOT: Hex = `0x${"0".repeat(64)}`;

export function contributionLeaf(contributionId: bigint): Hex {
  return keccak256(encodeAbiParameters([{ type: "uint256" }], [contributionId]));
}

export function hashPair(a: Hex, b: Hex): Hex {
  return a.toLowerCase() < b.toLowerCase() ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

function sortedUnique(ids: readonly bigint[]): bigint[] {
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
