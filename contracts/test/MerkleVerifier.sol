// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Test-only fixture: OpenZeppelin's MerkleProof.verify (processProof with
/// Hashes.commutativeKeccak256, as in OpenZeppelin Contracts 5.x), the contribution leaf, and a
/// level-by-level root builder, so tests can check core/merkle.ts against the EVM itself.
/// Lives in contracts/test/ so the build never puts it into abis/.
contract MerkleVerifier {
    function verify(bytes32[] memory proof, bytes32 root, bytes32 leaf) public pure returns (bool) {
        return processProof(proof, leaf) == root;
    }

    function processProof(bytes32[] memory proof, bytes32 leaf) public pure returns (bytes32) {
        bytes32 computedHash = leaf;
        for (uint256 i = 0; i < proof.length; i++) {
            computedHash = commutativeKeccak256(computedHash, proof[i]);
        }
        return computedHash;
    }

    function commutativeKeccak256(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? efficientKeccak256(a, b) : efficientKeccak256(b, a);
    }

    function efficientKeccak256(bytes32 a, bytes32 b) internal pure returns (bytes32 value) {
        assembly ("memory-safe") {
            mstore(0x00, a)
            mstore(0x20, b)
            value := keccak256(0x00, 0x40)
        }
    }

    /// keccak256(abi.encode(contributionId)): the leaf of PROTOCOL.md.
    function contributionLeaf(uint256 contributionId) public pure returns (bytes32) {
        return keccak256(abi.encode(contributionId));
    }

    /// The root of PROTOCOL.md over ids given in ascending order: pairs hashed in sorted order,
    /// an odd node carried up unchanged, bytes32(0) for none.
    function rootOfSortedIds(uint256[] memory ids) public pure returns (bytes32) {
        uint256 n = ids.length;
        if (n == 0) return bytes32(0);
        bytes32[] memory level = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            if (i > 0) require(ids[i - 1] < ids[i], "ids not strictly ascending");
            level[i] = contributionLeaf(ids[i]);
        }
        while (n > 1) {
            uint256 m = (n + 1) / 2;
            for (uint256 i = 0; i < m; i++) {
                level[i] = 2 * i + 1 < n ? commutativeKeccak256(level[2 * i], level[2 * i + 1]) : level[2 * i];
            }
            n = m;
        }
        return level[0];
    }
}
