// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {LedgerPause} from "./LedgerPause.sol";

/**
 * @title Checkpoints
 * @notice The group's agreed state at a position of the input stream: the accumulator there, the state root, the hash
 * of the encrypted snapshot a joiner restores from, and the roots withdrawals and audits prove against. Accepted only
 * with EIP-712 signatures of a majority of the members holding the current epoch, from at least two operators whenever
 * two or more operators hold it, so no single operator can vouch for a state alone. Each accepted checkpoint enters the
 * input stream (KIND_CHECKPOINT) with its signatures, so every enclave learns it from the stream it replays.
 * @dev Signatures are checked against the members as they are now: a removed member's signature counts for nothing,
 * even over a position from its time.
 */
abstract contract Checkpoints is LedgerPause {
    /// @notice What the members sign.
    /// @param seq The input the checkpoint is taken after.
    /// @param acc The Ledger's accumulator after input `seq`.
    /// @param stateRoot Root over the canonical per-account leaves, keyed under the epoch secret.
    /// @param snapshotHash Hash of the encrypted snapshot at `seq`.
    /// @param withdrawalRoot Root of the withdrawals the state allows (zero until the bridge).
    /// @param auditRoot Root of the audit records up to `seq` (zero until audit).
    struct Checkpoint {
        uint64 seq;
        bytes32 acc;
        bytes32 stateRoot;
        bytes32 snapshotHash;
        bytes32 withdrawalRoot;
        bytes32 auditRoot;
    }

    /// @dev The domain wallets sign commands under (envelopes/commandEnvelope.ts commandDomain); OZ's EIP712 and
    /// MessageHashUtils are not used because they pull in Bytes.sol, whose MCOPY the Shanghai build does not have.
    // solhint-disable gas-small-strings
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant CHECKPOINT_TYPEHASH = keccak256(
        "Checkpoint(uint64 seq,bytes32 acc,bytes32 stateRoot,bytes32 snapshotHash,bytes32 withdrawalRoot,bytes32 auditRoot)"
    );
    // solhint-enable gas-small-strings

    uint64 private _latestSeq;
    /// @dev Only the hash of each accepted checkpoint is stored (the event carries its fields): one slot, and a later
    /// proof against one of its roots passes the checkpoint, which must hash to this.
    mapping(uint64 seq => bytes32 checkpointHash) private _accepted;

    /// @notice A checkpoint was accepted.
    /// @param seq The input it was taken after (the checkpoint's `seq`, as a topic).
    /// @param checkpoint The checkpoint.
    /// @param signers The members whose signatures accepted it, in ascending order.
    event CheckpointAccepted(uint64 indexed seq, Checkpoint checkpoint, address[] signers);

    /// @notice Only a position after the latest checkpoint, and not past the stream, can be checkpointed.
    error CheckpointNotNewer(uint64 latest, uint64 given);
    /// @notice The stream has not reached `given` yet.
    error CheckpointBeyondStream(uint64 current, uint64 given);
    /// @notice `acc` is not the Ledger's accumulator at the checkpoint's position.
    error CheckpointAccumulatorMismatch(bytes32 expected, bytes32 given);
    /// @notice The signatures do not match the signers one for one.
    error CheckpointSignatureCountMismatch(uint256 signers, uint256 signatures);
    /// @notice Signers must be listed in strictly ascending order, which also rules out counting one twice.
    error CheckpointSignersNotAscending(uint256 index);
    /// @notice A signer is not an active member (never was, or was removed).
    error CheckpointSignerNotMember(address signer);
    /// @notice Fewer than a majority of the members holding the current epoch (all members before the first) signed.
    error CheckpointTooFewSignatures(uint256 signatures, uint256 required);
    /// @notice Members of one operator signed alone although other operators have members.
    error CheckpointSingleOperator(address operator);
    /// @notice Only governance or the operator of an active member may ask for a checkpoint (each costs every member
    /// a snapshot).
    error CheckpointRequestNotAllowed(address requester);

    /**
     * @notice Records a checkpoint and appends it as a KIND_CHECKPOINT input (layout in InputStream). Anyone may
     * submit it; the signatures are what count. Refused with LedgerPaused while a divergence is recorded.
     * @param checkpoint_ The signed checkpoint.
     * @param signers The signing members, in strictly ascending address order.
     * @param signatures Each signer's EIP-712 signature over `checkpoint_`, in the same order.
     */
    function checkpoint(Checkpoint calldata checkpoint_, address[] calldata signers, bytes[] calldata signatures)
        external
    {
        _requireNotPaused();
        uint64 latest = _latestSeq;
        if (checkpoint_.seq <= latest) revert CheckpointNotNewer(latest, checkpoint_.seq);
        uint64 current = seq();
        if (checkpoint_.seq > current) revert CheckpointBeyondStream(current, checkpoint_.seq);
        bytes32 acc = accumulatorAt(checkpoint_.seq);
        if (checkpoint_.acc != acc) revert CheckpointAccumulatorMismatch(acc, checkpoint_.acc);
        if (signatures.length != signers.length) revert CheckpointSignatureCountMismatch(signers.length, signatures.length);

        bytes32 digest = checkpointDigest(checkpoint_);
        for (uint256 i = 0; i < signers.length; ++i) {
            if (i > 0 && signers[i] <= signers[i - 1]) revert CheckpointSignersNotAscending(i);
            if (!isActive(signers[i])) revert CheckpointSignerNotMember(signers[i]);
            _checkSignature(signers[i], digest, signatures[i]);
        }
        address[] memory voters = _voters();
        uint256 required = voters.length / 2 + 1;
        if (signers.length < required) revert CheckpointTooFewSignatures(signers.length, required);
        _checkOperators(signers, voters);

        _latestSeq = checkpoint_.seq;
        _accepted[checkpoint_.seq] = keccak256(abi.encode(checkpoint_));
        emit CheckpointAccepted(checkpoint_.seq, checkpoint_, signers);
        _append(KIND_CHECKPOINT, abi.encode(checkpoint_, signers, signatures));
    }

    /**
     * @notice Asks every member to checkpoint now (`anonify checkpoint propose`): appends a KIND_CHECKPOINT_REQUESTED
     * input, which is a checkpoint position for every enclave, so all of them sign the same `seq`.
     * @return assigned The input's sequence number: the position of the checkpoint.
     */
    function requestCheckpoint() external returns (uint64 assigned) {
        if (!hasRole(GOVERNOR_ROLE, msg.sender) && !_operatesMember(msg.sender)) {
            revert CheckpointRequestNotAllowed(msg.sender);
        }
        return _append(KIND_CHECKPOINT_REQUESTED, abi.encode(msg.sender));
    }

    /// @notice The position of the latest accepted checkpoint (0 before the first).
    function latestCheckpointSeq() external view returns (uint64) {
        return _latestSeq;
    }

    /// @notice keccak256(abi.encode(checkpoint)) of the checkpoint accepted at `inputSeq`, zero if none was.
    /// @param inputSeq The checkpoint's position.
    function checkpointHashAt(uint64 inputSeq) public view returns (bytes32) {
        return _accepted[inputSeq];
    }

    /// @notice The EIP-712 digest members sign for a checkpoint (domain: name "Anonify", version "2", this Ledger).
    /// @param checkpoint_ The checkpoint.
    function checkpointDigest(Checkpoint calldata checkpoint_) public view returns (bytes32) {
        // Computed per call, not cached: a chain split changes block.chainid, and the digest must follow it.
        bytes32 domain =
            keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("Anonify"), keccak256("2"), block.chainid, address(this)));
        return keccak256(abi.encodePacked("\x19\x01", domain, keccak256(abi.encode(CHECKPOINT_TYPEHASH, checkpoint_))));
    }

    /// @dev Whether `account` operates one of the active members.
    function _operatesMember(address account) private view returns (bool) {
        uint256 count = _memberCount();
        for (uint256 i = 0; i < count; ++i) {
            if (_operatorOf(_memberAt(i)) == account) return true;
        }
        return false;
    }

    /**
     * @dev The members a checkpoint's majority and operators are counted over: those holding the current epoch, or all
     * before the first. A member the epoch has not admitted yet cannot sign a state it does not hold; counting it
     * would let two joiners stall a group of two.
     */
    function _voters() private view returns (address[] memory voters) {
        uint256 count = _memberCount();
        uint256 holders = 0;
        for (uint256 i = 0; i < count; ++i) {
            if (_holdsEpoch(_memberAt(i))) ++holders;
        }
        voters = new address[](holders == 0 ? count : holders);
        uint256 next = 0;
        for (uint256 i = 0; i < count; ++i) {
            address member = _memberAt(i);
            if (holders == 0 || _holdsEpoch(member)) {
                voters[next] = member;
                ++next;
            }
        }
    }

    /// @dev Refuses signers that all share one operator while some voter has another.
    function _checkOperators(address[] calldata signers, address[] memory voters) private view {
        address first = _operatorOf(signers[0]);
        for (uint256 i = 1; i < signers.length; ++i) {
            if (_operatorOf(signers[i]) != first) return;
        }
        for (uint256 i = 0; i < voters.length; ++i) {
            if (_operatorOf(voters[i]) != first) revert CheckpointSingleOperator(first);
        }
    }
}
