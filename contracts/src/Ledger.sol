// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AppGovernance} from "./AppGovernance.sol";
import {Divergence} from "./Divergence.sol";
import {EnclaveRegistry} from "./EnclaveRegistry.sol";
import {EpochKeys} from "./EpochKeys.sol";

/**
 * @title Ledger
 * @notice Anonify's contract on a chain: the ordered input stream, the enclave registry, the epoch keys, the
 * checkpoints (and the pause a divergence between them causes) and the governance of the apps.
 * Relayers submit batches of fixed-size encrypted command records; the chain sees only ciphertext and the
 * relayer's address. Session batches (`submitSessions`) are the cheap variant: their records stay in calldata and
 * only their hash enters the stream.
 */
contract Ledger is Divergence, AppGovernance {
    /// @notice Size of one sealed command record, in bytes (header 8, HPKE enc 32, AEAD of a 256-byte bucket 272).
    /// Every record has this size, so size leaks nothing.
    uint256 public constant RECORD_BYTES = 312;
    /// @notice Size of one session command record, in bytes (tag 16 ‖ ChaCha20-Poly1305 of 64 bytes ‖ tag 16).
    uint256 public constant SESSION_RECORD_BYTES = 96;
    /// @notice Most records one batch (of either kind) may carry.
    uint256 public constant MAX_RECORDS_PER_BATCH = 256;

    /// @notice A batch must carry at least one record.
    error LedgerEmptyBatch();
    /// @notice A batch's length must be a multiple of its record size.
    /// @param length The length that was submitted.
    /// @param recordBytes The record size of the function called (RECORD_BYTES or SESSION_RECORD_BYTES).
    error LedgerMisalignedBatch(uint256 length, uint256 recordBytes);
    /// @notice A batch carries more than MAX_RECORDS_PER_BATCH records.
    /// @param records How many records were submitted.
    /// @param max The limit.
    error LedgerBatchTooLarge(uint256 records, uint256 max);
    /// @notice A session batch must be the transaction itself: sent by an account without code straight to the Ledger.
    /// @param caller The immediate caller (a contract, or an account with EIP-7702 delegated code).
    error LedgerSessionBatchNotDirect(address caller);

    /// @param governor Receives the governance roles of the registry.
    /// @param timeoutBlocks See EpochKeys.rekeyTimeoutBlocks.
    constructor(address governor, uint64 timeoutBlocks) EnclaveRegistry(governor) EpochKeys(timeoutBlocks) {}

    /**
     * @notice Appends a batch of sealed command records as one input: payload = uint64 block number ‖ records.
     * Anyone may submit: a relayer posts for users, so the chain sees the relayer's address, never the user's.
     * Refused with LedgerPaused while a divergence is recorded.
     * @param records Concatenated records of RECORD_BYTES each.
     * @return assigned The sequence number the batch received.
     */
    function submit(bytes calldata records) external returns (uint64 assigned) {
        _requireNotPaused();
        _checkBatch(records.length, RECORD_BYTES);
        // The block number goes into the accumulated payload: enclaves check deadlines against it, and no host can
        // claim another one.
        return _append(KIND_COMMAND_BATCH, abi.encodePacked(uint64(block.number), records));
    }

    /**
     * @notice Appends a batch of session command records as one KIND_SESSION_BATCH input: payload = uint64 block
     * number ‖ records, accumulated like any other, but the event carries only the block number. Anyone may submit,
     * from an account without code, in a transaction whose `to` is the Ledger and whose input is this call.
     * Refused with LedgerPaused while a divergence is recorded.
     * @dev The records are not logged (that would cost more than their calldata), so followers rebuild the payload
     * from the transaction's input: the call must be the transaction itself, or a follower could not find the
     * records and the stream would stall at this input for everyone. `msg.sender == tx.origin` rules out calls from
     * contracts; `code.length == 0` rules out an EIP-7702 account whose delegated code calls in from a transaction
     * sent to itself. The accumulator still binds the records, so a follower that read other bytes would fail its
     * check rather than apply them.
     * @param records Concatenated records of SESSION_RECORD_BYTES each.
     * @return assigned The sequence number the batch received.
     */
    function submitSessions(bytes calldata records) external returns (uint64 assigned) {
        _requireNotPaused();
        // tx.origin is not used to authorize: it proves the call is the transaction itself (see @dev above).
        // solhint-disable-next-line avoid-tx-origin
        if (msg.sender != tx.origin || msg.sender.code.length != 0) revert LedgerSessionBatchNotDirect(msg.sender);
        _checkBatch(records.length, SESSION_RECORD_BYTES);
        bytes32 payloadHash;
        // Hashes uint64(block.number) ‖ records in scratch memory past the free pointer, which is never advanced:
        // one calldatacopy and no abi.encodePacked buffer. memory-safe: only memory beyond the free pointer is
        // written, and nothing reads it after the keccak.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            mstore(buffer, shl(192, number()))
            calldatacopy(add(buffer, 8), records.offset, records.length)
            payloadHash := keccak256(buffer, add(records.length, 8))
        }
        return _appendHashed(KIND_SESSION_BATCH, payloadHash, abi.encodePacked(uint64(block.number)));
    }

    /// @dev Reverts unless `length` holds 1 to MAX_RECORDS_PER_BATCH whole records of `recordBytes`.
    function _checkBatch(uint256 length, uint256 recordBytes) private pure {
        if (length == 0) revert LedgerEmptyBatch();
        if (length % recordBytes != 0) revert LedgerMisalignedBatch(length, recordBytes);
        uint256 count = length / recordBytes;
        if (count > MAX_RECORDS_PER_BATCH) revert LedgerBatchTooLarge(count, MAX_RECORDS_PER_BATCH);
    }
}
