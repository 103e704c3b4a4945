// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/**
 * @title Ledger
 * @notice The one ordered input stream of Anonify. Every input that changes confidential state gets the next
 * sequence number and is folded into a running accumulator that enclaves recompute while they replay.
 * @dev Ciphertexts live in events, never in storage: only the accumulator per sequence number is stored, so a later
 * checkpoint can be checked against it. acc_s = keccak256(acc_{s-1} ‖ uint64 s ‖ uint8 kind ‖ keccak256(payload)).
 */
contract Ledger {
    /// @notice Input kind of a batch of fixed-size encrypted command records.
    uint8 public constant KIND_COMMAND_BATCH = 1;

    /// @notice Size of one encrypted command record, in bytes. Every record has this size, so size leaks nothing.
    uint256 public constant RECORD_BYTES = 256;

    /// @notice Most records one batch may carry.
    uint256 public constant MAX_RECORDS_PER_BATCH = 256;

    uint64 private _seq;
    mapping(uint64 seq => bytes32 acc) private _accumulators;

    /**
     * @notice An input was appended to the stream.
     * @param seq Its sequence number (the first input is 1).
     * @param kind What the payload is (see the KIND_ constants).
     * @param acc The accumulator after this input.
     * @param payload The input itself (for a command batch, the concatenated records).
     */
    event InputAppended(uint64 indexed seq, uint8 indexed kind, bytes32 acc, bytes payload);

    /// @notice A batch must carry at least one record.
    error LedgerEmptyBatch();

    /// @notice A batch's length must be a multiple of RECORD_BYTES.
    /// @param length The length that was submitted.
    error LedgerMisalignedBatch(uint256 length);

    /// @notice A batch carries more than MAX_RECORDS_PER_BATCH records.
    /// @param records How many records were submitted.
    /// @param max The limit.
    error LedgerBatchTooLarge(uint256 records, uint256 max);

    /// @notice No input has this sequence number yet.
    /// @param inputSeq The sequence number asked for.
    error LedgerUnknownSeq(uint64 inputSeq);

    /**
     * @notice Appends a batch of encrypted command records. Anyone may submit: a relayer posts for users, so the
     * chain sees the relayer's address, never the user's.
     * @param records Concatenated records of RECORD_BYTES each.
     * @return assigned The sequence number the batch received.
     */
    function submit(bytes calldata records) external returns (uint64 assigned) {
        if (records.length == 0) revert LedgerEmptyBatch();
        if (records.length % RECORD_BYTES != 0) revert LedgerMisalignedBatch(records.length);
        uint256 count = records.length / RECORD_BYTES;
        if (count > MAX_RECORDS_PER_BATCH) revert LedgerBatchTooLarge(count, MAX_RECORDS_PER_BATCH);
        return _append(KIND_COMMAND_BATCH, records);
    }

    /// @notice The sequence number of the latest input (0 before the first).
    function seq() external view returns (uint64) {
        return _seq;
    }

    /**
     * @notice The accumulator after input `inputSeq` (zero for 0, the empty stream).
     * @param inputSeq A sequence number no greater than seq().
     */
    function accumulatorAt(uint64 inputSeq) external view returns (bytes32) {
        if (inputSeq > _seq) revert LedgerUnknownSeq(inputSeq);
        return _accumulators[inputSeq];
    }

    function _append(uint8 kind, bytes calldata payload) private returns (uint64 next) {
        // A uint64 sequence cannot overflow: it grows by one per transaction.
        unchecked {
            next = _seq + 1;
        }
        bytes32 acc = keccak256(abi.encodePacked(_accumulators[next - 1], next, kind, keccak256(payload)));
        _seq = next;
        _accumulators[next] = acc;
        emit InputAppended(next, kind, acc, payload);
    }
}
