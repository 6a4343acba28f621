// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DatanetRegistry} from "./DatanetRegistry.sol";

/// @title ModelRegistry: base models, LoRA adapters on them, and the training runs that built them.
contract ModelRegistry {
    struct Model {
        address owner;
        uint256 parentModelId;
        uint32 trainingCount;
    }

    DatanetRegistry public immutable datanets;
    uint256 public modelCount;
    mapping(uint256 => Model) internal _models;

    event ModelRegistered(
        uint256 indexed modelId,
        address indexed owner,
        uint256 indexed parentModelId,
        string name,
        string baseModel,
        string metadataURI
    );
    event ModelTrained(
        uint256 indexed modelId,
        uint32 indexed version,
        uint256[] datanetIds,
        bytes32 contributionsRoot,
        uint32 contributionCount,
        bytes32 artifactHash
    );

    error UnknownModel(uint256 modelId);
    error UnknownParentModel(uint256 parentModelId);
    error NotModelOwner(uint256 modelId, address caller);
    error UnknownDatanet(uint256 datanetId);

    constructor(DatanetRegistry datanets_) {
        datanets = datanets_;
    }

    function registerModel(
        string calldata name,
        string calldata baseModel,
        uint256 parentModelId,
        string calldata metadataURI
    ) external returns (uint256 modelId) {
        if (parentModelId != 0 && _models[parentModelId].owner == address(0)) {
            revert UnknownParentModel(parentModelId);
        }
        modelId = ++modelCount;
        _models[modelId] = Model(msg.sender, parentModelId, 0);
        emit ModelRegistered(modelId, msg.sender, parentModelId, name, baseModel, metadataURI);
    }

    function recordTraining(
        uint256 modelId,
        uint256[] calldata datanetIds,
        bytes32 contributionsRoot,
        uint32 contributionCount,
        bytes32 artifactHash
    ) external returns (uint32 version) {
        Model storage m = _models[modelId];
        if (m.owner == address(0)) revert UnknownModel(modelId);
        if (m.owner != msg.sender) revert NotModelOwner(modelId, msg.sender);
        for (uint256 i = 0; i < datanetIds.length; ++i) {
            if (datanets.ownerOf(datanetIds[i]) == address(0)) revert UnknownDatanet(datanetIds[i]);
        }
        version = ++m.trainingCount;
        emit ModelTrained(modelId, version, datanetIds, contributionsRoot, contributionCount, artifactHash);
    }

    function ownerOf(uint256 modelId) external view returns (address) {
        return _models[modelId].owner;
    }

    function parentOf(uint256 modelId) external view returns (uint256) {
        return _models[modelId].parentModelId;
    }

    function trainingCountOf(uint256 modelId) external view returns (uint32) {
        return _models[modelId].trainingCount;
    }
}
