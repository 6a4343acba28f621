// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OpenToken} from "./OpenToken.sol";
import {DatanetRegistry} from "./DatanetRegistry.sol";
import {ModelRegistry} from "./ModelRegistry.sol";

/// @title AttributionEngine: records paid inferences with their proof of attribution and splits the fee.
contract AttributionEngine {
    uint8 public constant ROLE_TREASURY = 0;
    uint8 public constant ROLE_MODEL_OWNER = 1;
    uint8 public constant ROLE_DATANET_OWNER = 2;
    uint8 public constant ROLE_CONTRIBUTOR = 3;
    uint256 public constant MAX_ATTRIBUTIONS = 256;
    uint32 public constant PPM = 1_000_000;
    uint16 public constant BPS = 10_000;

    OpenToken public immutable token;
    DatanetRegistry public immutable datanets;
    ModelRegistry public immutable models;
    address public immutable admin;

    uint16 public protocolFeeBps;
    uint16 public modelOwnerShareBps;
    address public treasury;
    uint256 public inferenceCount;

    mapping(address => bool) public isAttestor;
    mapping(address => uint256) public claimable;

    event AttestorUpdated(address indexed attestor, bool allowed);
    event FeeParamsUpdated(uint16 protocolFeeBps, uint16 modelOwnerShareBps, address treasury);
    event InferenceAttributed(
        uint256 indexed inferenceId,
        uint256 indexed modelId,
        address indexed payer,
        bytes32 outputHash,
        uint256 fee,
        uint8 method,
        uint256[] contributionIds,
        uint32[] weightsPpm
    );
    event RewardAccrued(address indexed account, uint256 indexed inferenceId, uint8 indexed role, uint256 amount);
    event RewardClaimed(address indexed account, address indexed to, uint256 amount);

    error NotAdmin(address caller);
    error NotAttestor(address caller);
    error FeeSharesTooHigh(uint16 protocolFeeBps, uint16 modelOwnerShareBps);
    error UnknownModel(uint256 modelId);
    error LengthMismatch(uint256 contributions, uint256 weights);
    error EmptyAttribution();
    error TooManyAttributions(uint256 count);
    error UnknownContribution(uint256 contributionId);
    error DuplicateContribution(uint256 contributionId);
    error ZeroWeight(uint256 contributionId);
    error WeightsDoNotSumToOneMillion(uint256 sum);
    error FeeTransferFailed();
    error NothingToClaim(address account);
    error ClaimTransferFailed();

    struct Accrual {
        address account;
        uint8 role;
        uint256 amount;
    }

    constructor(OpenToken token_, DatanetRegistry datanets_, ModelRegistry models_) {
        token = token_;
        datanets = datanets_;
        models = models_;
        admin = msg.sender;
        protocolFeeBps = 500;
        modelOwnerShareBps = 2000;
        treasury = msg.sender;
        isAttestor[msg.sender] = true;
        emit FeeParamsUpdated(500, 2000, msg.sender);
        emit AttestorUpdated(msg.sender, true);
    }

    function setAttestor(address attestor, bool allowed) external {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        isAttestor[attestor] = allowed;
        emit AttestorUpdated(attestor, allowed);
    }

    function setFeeParams(uint16 protocolFeeBps_, uint16 modelOwnerShareBps_, address treasury_) external {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        if (uint256(protocolFeeBps_) + uint256(modelOwnerShareBps_) > BPS) {
            revert FeeSharesTooHigh(protocolFeeBps_, modelOwnerShareBps_);
        }
        protocolFeeBps = protocolFeeBps_;
        modelOwnerShareBps = modelOwnerShareBps_;
        treasury = treasury_;
        emit FeeParamsUpdated(protocolFeeBps_, modelOwnerShareBps_, treasury_);
    }

    function recordInference(
        uint256 modelId,
        bytes32 outputHash,
        address payer,
        uint256 fee,
        uint8 method,
        uint256[] calldata contributionIds,
        uint32[] calldata weightsPpm
    ) external returns (uint256 inferenceId) {
        if (!isAttestor[msg.sender]) revert NotAttestor(msg.sender);
        address modelOwner = models.ownerOf(modelId);
        if (modelOwner == address(0)) revert UnknownModel(modelId);
        uint256 n = contributionIds.length;
        if (n != weightsPpm.length) revert LengthMismatch(n, weightsPpm.length);
        if (n == 0) revert EmptyAttribution();
        if (n > MAX_ATTRIBUTIONS) revert TooManyAttributions(n);
        _checkWeights(contributionIds, weightsPpm);

        if (!token.transferFrom(payer, address(this), fee)) revert FeeTransferFailed();

        Accrual[] memory accruals = _split(modelOwner, fee, contributionIds, weightsPpm);

        inferenceId = ++inferenceCount;
        emit InferenceAttributed(inferenceId, modelId, payer, outputHash, fee, method, contributionIds, weightsPpm);
        for (uint256 i = 0; i < accruals.length; ++i) {
            Accrual memory a = accruals[i];
            if (a.amount == 0) continue;
            claimable[a.account] += a.amount;
            emit RewardAccrued(a.account, inferenceId, a.role, a.amount);
        }
    }

    function claim(address to) external {
        uint256 amount = claimable[msg.sender];
        if (amount == 0) revert NothingToClaim(msg.sender);
        claimable[msg.sender] = 0;
        if (!token.transfer(to, amount)) revert ClaimTransferFailed();
        emit RewardClaimed(msg.sender, to, amount);
    }

    function _checkWeights(uint256[] calldata contributionIds, uint32[] calldata weightsPpm) internal pure {
        uint256 n = contributionIds.length;
        uint256 sum;
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = contributionIds[i];
            if (weightsPpm[i] == 0) revert ZeroWeight(id);
            sum += weightsPpm[i];
            for (uint256 j = 0; j < i; ++j) {
                if (contributionIds[j] == id) revert DuplicateContribution(id);
            }
        }
        if (sum != PPM) revert WeightsDoNotSumToOneMillion(sum);
    }

    /// @dev The split of PROTOCOL.md, summed per (account, role) in order of first appearance:
    /// treasury, model owner, then each contribution's datanet owner and contributor.
    function _split(address modelOwner, uint256 fee, uint256[] calldata contributionIds, uint32[] calldata weightsPpm)
        internal
        view
        returns (Accrual[] memory accruals)
    {
        uint256 protocolAmount = _mulDivDown(fee, protocolFeeBps, BPS);
        uint256 modelOwnerAmount = _mulDivDown(fee, modelOwnerShareBps, BPS);
        uint256 pool = fee - protocolAmount - modelOwnerAmount;

        accruals = new Accrual[](2 + 2 * contributionIds.length);
        accruals[0] = Accrual(treasury, ROLE_TREASURY, protocolAmount);
        accruals[1] = Accrual(modelOwner, ROLE_MODEL_OWNER, modelOwnerAmount);
        uint256 used = 2;
        uint256 distributed;
        for (uint256 i = 0; i < contributionIds.length; ++i) {
            uint256 share = _mulDivDown(pool, weightsPpm[i], PPM);
            distributed += share;
            used = _creditContribution(accruals, used, contributionIds[i], share);
        }
        accruals[0].amount += pool - distributed;
        assembly {
            mstore(accruals, used)
        }
    }

    /// @dev Splits one contribution's share between its datanet's owner and its contributor.
    function _creditContribution(Accrual[] memory accruals, uint256 used, uint256 contributionId, uint256 share)
        private
        view
        returns (uint256)
    {
        (uint256 datanetId, address contributor, address datanetOwner, uint16 ownerShareBps) =
            datanets.payeesOf(contributionId);
        if (datanetId == 0) revert UnknownContribution(contributionId);
        uint256 ownerCut = _mulDivDown(share, ownerShareBps, BPS);
        used = _add(accruals, used, datanetOwner, ROLE_DATANET_OWNER, ownerCut);
        return _add(accruals, used, contributor, ROLE_CONTRIBUTOR, share - ownerCut);
    }

    /// @dev floor(x * y / d) for y <= d, exact for every uint256 x (PROTOCOL.md's split is defined for any
    /// fee): with x = q * d + r it is q * y + floor(r * y / d), and neither product can overflow.
    function _mulDivDown(uint256 x, uint256 y, uint256 d) private pure returns (uint256) {
        return (x / d) * y + (x % d) * y / d;
    }

    function _add(Accrual[] memory accruals, uint256 used, address account, uint8 role, uint256 amount)
        private
        pure
        returns (uint256)
    {
        for (uint256 k = 0; k < used; ++k) {
            if (accruals[k].account == account && accruals[k].role == role) {
                accruals[k].amount += amount;
                return used;
            }
        }
        accruals[used] = Accrual(account, role, amount);
        return used + 1;
    }
}
