// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/**
 * @title InputStream
 * @notice The one ordered input stream of Anonify. Every input that changes confidential state (command batches,
 * membership changes, rekeys, init-key updates, checkpoints, divergences) gets the next sequence number and is folded
 * into a running accumulator that every enclave recomputes while it replays.
 * @dev Payloads live in events, never in storage: only the accumulator per sequence number is stored, so a later
 * checkpoint can be checked against it. acc_s = keccak256(acc_{s-1} ‖ uint64 s ‖ uint8 kind ‖ keccak256(payload)).
 * For every kind but KIND_SESSION_BATCH the event carries the whole payload. For KIND_SESSION_BATCH the accumulated
 * payload is uint64 blockNumber ‖ records, with the records taken from calldata, while the event's payload is only
 * the 8-byte block number: followers read the records from the transaction's input, which the chain keeps anyway,
 * and logging them again would cost more than the calldata itself.
 */
abstract contract InputStream {
    /// @notice A batch of fixed-size encrypted command records.
    uint8 public constant KIND_COMMAND_BATCH = 1;
    /// @notice An enclave joined: abi.encode(address signer, address operator, bytes32 initKey, bytes32 measurement,
    /// bytes4 teeType, bytes32 anchorHash, bytes evidence). The evidence and what its report_data binds travel with the
    /// input so that every enclave verifies the attestation itself instead of trusting its host's word for it.
    uint8 public constant KIND_MEMBER_ADDED = 2;
    /// @notice An enclave left: abi.encode(address signer, uint8 reason).
    uint8 public constant KIND_MEMBER_REMOVED = 3;
    /// @notice A proposed epoch, pending until members settle or void it: abi.encode(uint64 epoch, address proposer,
    /// bytes32 memberSetHash, bytes32 cmdPubKey, bytes32 commit, bytes[] shares, uint64 atSeq, bytes signature), the
    /// signature being the proposer enclave's over EpochKeys.rekeyDigest, so an enclave can tell a rekey its host made
    /// up (with a secret the host knows) from one a member's enclave signed.
    uint8 public constant KIND_REKEY = 4;
    /// @notice A member replaced its init key: abi.encode(address signer, bytes32 initKey, bytes32 oldInitKey,
    /// bytes signature), the signature being the member enclave's over EpochKeys.initKeyDigest, so that an enclave
    /// can tell an update its host made up from one the member's enclave signed.
    uint8 public constant KIND_INIT_KEY_UPDATED = 5;
    /// @notice Governance asked for a new epoch with the same members: abi.encode(address requester).
    uint8 public constant KIND_REKEY_REQUESTED = 6;
    /// @notice A batch of fixed-size session command records: payload uint64 blockNumber ‖ records. The event carries
    /// only the block number; the records are the calldata of the direct `submitSessions` transaction.
    uint8 public constant KIND_SESSION_BATCH = 7;
    /// @notice A member renewed its registration with fresh evidence: the KIND_MEMBER_ADDED layout, binding the
    /// member's current init key, so every enclave re-verifies it.
    uint8 public constant KIND_MEMBER_REATTESTED = 10;
    /// @notice A member's enclave opened its share of the pending rekey and it matched the commitment:
    /// abi.encode(uint64 epoch, uint64 rekeySeq, address signer, bytes signature) over EpochKeys.rekeyAnswerDigest.
    uint8 public constant KIND_REKEY_ACK = 11;
    /// @notice A member's enclave could not open its share of the pending rekey, or it did not match: the KIND_REKEY_ACK
    /// layout, signed with ack = false.
    uint8 public constant KIND_REKEY_COMPLAINT = 12;
    /// @notice The pending rekey settled on its timeout (EpochKeys.settleRekey), with fewer than a majority of acks:
    /// abi.encode(uint64 epoch, uint64 rekeySeq). A majority of acks settles it at the deciding KIND_REKEY_ACK instead.
    uint8 public constant KIND_REKEY_SETTLED = 13;
    /// @notice Governance granted the identity app's KYC issuer role: abi.encode(uint64 blockNumber, address governor,
    /// address issuer). Every enclave applies it as the identity app's grantIssuer command from its reserved
    /// governance caller, so no one else can set or replace the issuer.
    uint8 public constant KIND_IDENTITY_ISSUER_GRANTED = 14;
    /// @notice A checkpoint was accepted: abi.encode(Checkpoints.Checkpoint checkpoint, address[] signers,
    /// bytes[] signatures), the signers ascending and each signature its EIP-712 signature over
    /// Checkpoints.checkpointDigest, so every enclave sees which checkpoint the Ledger accepted and checks the
    /// signatures itself rather than take its host's word for it.
    uint8 public constant KIND_CHECKPOINT = 15;
    /// @notice Two different checkpoints for one position were shown (Divergence.reportDivergence) and the Ledger
    /// paused command intake and checkpoints: abi.encode(uint64 seq, bytes32 checkpointHashA, bytes32 checkpointHashB),
    /// each hash keccak256(abi.encode(checkpoint)).
    uint8 public constant KIND_DIVERGENCE = 16;
    /// @notice Governance resumed the Ledger after a divergence: abi.encode(uint64 divergentSeq).
    uint8 public constant KIND_RESUMED = 17;
    /// @notice A member's operator or governance asked for a checkpoint now: abi.encode(address requester). Every
    /// member enclave checkpoints at this input, so all of them sign the same position.
    uint8 public constant KIND_CHECKPOINT_REQUESTED = 18;

    uint64 private _seq;
    mapping(uint64 seq => bytes32 acc) private _accumulators;

    /**
     * @notice An input was appended to the stream.
     * @param seq Its sequence number (the first input is 1).
     * @param kind What the payload is (see the KIND_ constants).
     * @param acc The accumulator after this input.
     * @param payload The input itself.
     */
    event InputAppended(uint64 indexed seq, uint8 indexed kind, bytes32 acc, bytes payload);

    /// @notice No input has this sequence number yet.
    /// @param inputSeq The sequence number asked for.
    error LedgerUnknownSeq(uint64 inputSeq);

    /// @notice The sequence number of the latest input (0 before the first).
    function seq() public view returns (uint64) {
        return _seq;
    }

    /**
     * @notice The accumulator after input `inputSeq` (zero for 0, the empty stream).
     * @param inputSeq A sequence number no greater than seq().
     */
    function accumulatorAt(uint64 inputSeq) public view returns (bytes32) {
        if (inputSeq > _seq) revert LedgerUnknownSeq(inputSeq);
        return _accumulators[inputSeq];
    }

    /// @dev The sequence number of the latest input.
    function _lastSeq() internal view returns (uint64) {
        return _seq;
    }

    /// @dev Appends one input and emits it whole; returns its sequence number.
    function _append(uint8 kind, bytes memory payload) internal returns (uint64 next) {
        return _appendHashed(kind, keccak256(payload), payload);
    }

    /**
     * @dev Appends one input whose payload hash the caller computed, and emits `emitted` as the event's payload;
     * returns its sequence number. NOTE: when `emitted` is not the payload itself, followers must be able to rebuild
     * the payload from elsewhere (KIND_SESSION_BATCH: the transaction's calldata).
     */
    function _appendHashed(uint8 kind, bytes32 payloadHash, bytes memory emitted) internal returns (uint64 next) {
        // A uint64 sequence cannot overflow: it grows by one per input.
        unchecked {
            next = _seq + 1;
        }
        bytes32 acc = keccak256(abi.encodePacked(_accumulators[next - 1], next, kind, payloadHash));
        _seq = next;
        _accumulators[next] = acc;
        emit InputAppended(next, kind, acc, emitted);
    }
}
