// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DatanetRegistry: pools of training data and the contributions in them.
contract DatanetRegistry {
    uint8 public constant STATUS_PENDING = 0;
    uint8 public constant STATUS_ACCEPTED = 1;
    uint8 public constant STATUS_REJECTED = 2;
    uint8 public constant STATUS_REVOKED = 3;

    struct Datanet {
        address owner;
        uint16 ownerShareBps;
        bool permissioned;
    }

    struct Contribution {
        uint256 datanetId;
        address contributor;
        uint8 status;
    }

    uint256 public datanetCount;
    uint256 public contributionCount;

    mapping(uint256 => Datanet) internal _datanets;
    mapping(uint256 => Contribution) internal _contributions;
    mapping(uint256 => mapping(address => bool)) public isContributorAllowed;
    mapping(uint256 => mapping(bytes32 => uint256)) public contributionByHash;

    event DatanetCreated(
        uint256 indexed datanetId,
        address indexed owner,
        string name,
        string metadataURI,
        uint16 ownerShareBps,
        bool permissioned
    );
    event ContributorAllowlistUpdated(uint256 indexed datanetId, address indexed account, bool allowed);
    event ContributionSubmitted(
        uint256 indexed contributionId,
        uint256 indexed datanetId,
        address indexed contributor,
        bytes32 contentHash,
        string uri,
        uint64 size
    );
    event ContributionReviewed(
        uint256 indexed contributionId,
        uint256 indexed datanetId,
        address indexed reviewer,
        uint8 status,
        string reason
    );
    event ContributionRevoked(uint256 indexed contributionId, uint256 indexed datanetId, address indexed contributor);

    error OwnerShareTooHigh(uint16 ownerShareBps);
    error UnknownDatanet(uint256 datanetId);
    error UnknownContribution(uint256 contributionId);
    error NotDatanetOwner(uint256 datanetId, address caller);
    error NotAllowlisted(uint256 datanetId, address account);
    error DuplicateContent(uint256 datanetId, bytes32 contentHash, uint256 existingContributionId);
    error InvalidReviewStatus(uint8 status);
    error NotPending(uint256 contributionId, uint8 status);
    error NotContributor(uint256 contributionId, address caller);
    error AlreadyRevoked(uint256 contributionId);

    function createDatanet(string calldata name, string calldata metadataURI, uint16 ownerShareBps, bool permissioned)
        external
        returns (uint256 datanetId)
    {
        if (ownerShareBps > 10_000) revert OwnerShareTooHigh(ownerShareBps);
        datanetId = ++datanetCount;
        _datanets[datanetId] = Datanet(msg.sender, ownerShareBps, permissioned);
        emit DatanetCreated(datanetId, msg.sender, name, metadataURI, ownerShareBps, permissioned);
    }

    function setContributorAllowed(uint256 datanetId, address account, bool allowed) external {
        _onlyDatanetOwner(datanetId);
        isContributorAllowed[datanetId][account] = allowed;
        emit ContributorAllowlistUpdated(datanetId, account, allowed);
    }

    function submitContribution(uint256 datanetId, bytes32 contentHash, string calldata uri, uint64 size)
        external
        returns (uint256 contributionId)
    {
        Datanet storage d = _datanets[datanetId];
        if (d.owner == address(0)) revert UnknownDatanet(datanetId);
        if (d.permissioned && !isContributorAllowed[datanetId][msg.sender]) {
            revert NotAllowlisted(datanetId, msg.sender);
        }
        uint256 existing = contributionByHash[datanetId][contentHash];
        if (existing != 0) revert DuplicateContent(datanetId, contentHash, existing);
        contributionId = ++contributionCount;
        contributionByHash[datanetId][contentHash] = contributionId;
        _contributions[contributionId] = Contribution(datanetId, msg.sender, STATUS_PENDING);
        emit ContributionSubmitted(contributionId, datanetId, msg.sender, contentHash, uri, size);
    }

    function reviewContribution(uint256 contributionId, uint8 status, string calldata reason) external {
        Contribution storage c = _contributions[contributionId];
        if (c.contributor == address(0)) revert UnknownContribution(contributionId);
        _onlyDatanetOwner(c.datanetId);
        if (status != STATUS_ACCEPTED && status != STATUS_REJECTED) revert InvalidReviewStatus(status);
        if (c.status != STATUS_PENDING) revert NotPending(contributionId, c.status);
        c.status = status;
        emit ContributionReviewed(contributionId, c.datanetId, msg.sender, status, reason);
    }

    function revokeContribution(uint256 contributionId) external {
        Contribution storage c = _contributions[contributionId];
        if (c.contributor == address(0)) revert UnknownContribution(contributionId);
        if (c.contributor != msg.sender) revert NotContributor(contributionId, msg.sender);
        if (c.status == STATUS_REVOKED) revert AlreadyRevoked(contributionId);
        c.status = STATUS_REVOKED;
        emit ContributionRevoked(contributionId, c.datanetId, msg.sender);
    }

    function datanetOf(uint256 contributionId) external view returns (uint256) {
        return _contributions[contributionId].datanetId;
    }

    function contributorOf(uint256 contributionId) external view returns (address) {
        return _contributions[contributionId].contributor;
    }

    function statusOf(uint256 contributionId) external view returns (uint8) {
        return _contributions[contributionId].status;
    }

    function ownerShareBpsOf(uint256 datanetId) external view returns (uint16) {
        return _datanets[datanetId].ownerShareBps;
    }

    function ownerOf(uint256 datanetId) external view returns (address) {
        return _datanets[datanetId].owner;
    }

    function isPermissioned(uint256 datanetId) external view returns (bool) {
        return _datanets[datanetId].permissioned;
    }

    /// @notice Everything the fee split needs about one contribution, in one call.
    /// Returns zeros for an unknown contribution.
    function payeesOf(uint256 contributionId)
        external
        view
        returns (uint256 datanetId, address contributor, address datanetOwner, uint16 ownerShareBps)
    {
        Contribution storage c = _contributions[contributionId];
        Datanet storage d = _datanets[c.datanetId];
        return (c.datanetId, c.contributor, d.owner, d.ownerShareBps);
    }

    function _onlyDatanetOwner(uint256 datanetId) internal view {
        address owner = _datanets[datanetId].owner;
        if (owner == address(0)) revert UnknownDatanet(datanetId);
        if (owner != msg.sender) revert NotDatanetOwner(datanetId, msg.sender);
    }
}
