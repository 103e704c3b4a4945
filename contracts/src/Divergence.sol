// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Checkpoints} from "./Checkpoints.sol";

/**
 * @title Divergence
 * @notice Two different checkpoints for one position mean the replicas no longer agree on the state: anyone who holds
 * both may show them, and the Ledger then pauses command intake and checkpoints (LedgerPause) until governance
 * resumes it. Each side is either signed by an active member or the checkpoint the Ledger accepted there.
 * @dev Both sides must carry the Ledger's own accumulator at that position: an enclave its host fed a made-up stream
 * signs another accumulator, so a host cannot stop the line by lying to its own enclave. A member's signature is
 * checked against the members as they are now, as for checkpoints.
 */
abstract contract Divergence is Checkpoints {
    /// @notice One side of a divergence.
    /// @param checkpoint The checkpoint.
    /// @param signer An active member that signed it, or address(0) for the checkpoint accepted at its position.
    /// @param signature The signer's EIP-712 signature over checkpointDigest(checkpoint); empty for an accepted one.
    struct CheckpointEvidence {
        Checkpoint checkpoint;
        address signer;
        bytes signature;
    }

    /// @notice Two different checkpoints for position `seq` were shown; the Ledger is paused.
    /// @param seq The position they disagree on.
    /// @param checkpointHashA keccak256(abi.encode(checkpoint)) of side A.
    /// @param checkpointHashB keccak256(abi.encode(checkpoint)) of side B.
    /// @param signerA Side A's signer, address(0) for the accepted checkpoint.
    /// @param signerB Side B's signer, address(0) for the accepted checkpoint.
    event DivergenceRecorded(
        uint64 indexed seq, bytes32 checkpointHashA, bytes32 checkpointHashB, address signerA, address signerB
    );

    /// @notice A divergence is already recorded and not yet resumed; one is enough to stop the line.
    /// @param divergentSeq The position of the recorded divergence.
    error DivergenceAlreadyRecorded(uint64 divergentSeq);
    /// @notice The two checkpoints are for different positions.
    /// @param seqA Side A's position.
    /// @param seqB Side B's position.
    error DivergenceSeqMismatch(uint64 seqA, uint64 seqB);
    /// @notice The two sides are the same checkpoint.
    /// @param checkpointHash Its keccak256(abi.encode(checkpoint)).
    error DivergenceNotConflicting(bytes32 checkpointHash);
    /// @notice A side's `acc` is not the Ledger's accumulator at its position.
    /// @param expected The Ledger's accumulator there.
    /// @param given The side's.
    error DivergenceAccumulatorMismatch(bytes32 expected, bytes32 given);
    /// @notice A side's signer is not an active member.
    /// @param signer The signer named.
    error DivergenceSignerNotMember(address signer);
    /// @notice A side without a signer is not the checkpoint accepted at its position.
    /// @param seq The position.
    /// @param checkpointHash The side's keccak256(abi.encode(checkpoint)).
    error DivergenceNotAccepted(uint64 seq, bytes32 checkpointHash);

    /**
     * @notice Records that two different checkpoints exist for one position and pauses the Ledger; appends a
     * KIND_DIVERGENCE input (layout in InputStream). Anyone may call it; the evidence is what counts.
     * @param a One side.
     * @param b The other side.
     */
    function reportDivergence(CheckpointEvidence calldata a, CheckpointEvidence calldata b) external {
        (bool isPaused, uint64 divergentSeq) = paused();
        if (isPaused) revert DivergenceAlreadyRecorded(divergentSeq);
        uint64 position = a.checkpoint.seq;
        if (b.checkpoint.seq != position) revert DivergenceSeqMismatch(position, b.checkpoint.seq);
        bytes32 hashA = keccak256(abi.encode(a.checkpoint));
        bytes32 hashB = keccak256(abi.encode(b.checkpoint));
        if (hashA == hashB) revert DivergenceNotConflicting(hashA);
        bytes32 acc = accumulatorAt(position);
        _checkSide(a, hashA, acc);
        _checkSide(b, hashB, acc);

        _pause(position);
        emit DivergenceRecorded(position, hashA, hashB, a.signer, b.signer);
        _append(KIND_DIVERGENCE, abi.encode(position, hashA, hashB));
    }

    /// @dev Reverts unless `side` carries `acc` and is signed by an active member or is the accepted checkpoint.
    function _checkSide(CheckpointEvidence calldata side, bytes32 checkpointHash, bytes32 acc) private view {
        if (side.checkpoint.acc != acc) revert DivergenceAccumulatorMismatch(acc, side.checkpoint.acc);
        if (side.signer == address(0)) {
            uint64 position = side.checkpoint.seq;
            if (checkpointHashAt(position) != checkpointHash) revert DivergenceNotAccepted(position, checkpointHash);
            return;
        }
        if (!isActive(side.signer)) revert DivergenceSignerNotMember(side.signer);
        _checkSignature(side.signer, checkpointDigest(side.checkpoint), side.signature);
    }
}
