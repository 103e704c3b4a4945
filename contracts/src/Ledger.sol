// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {EnclaveRegistry} from "./EnclaveRegistry.sol";
import {EpochKeys} from "./EpochKeys.sol";

/**
 * @title Ledger
 * @notice Anonify's contract on a chain: the ordered input stream, the enclave registry and the epoch keys.
 * Relayers submit batches of fixed-size encrypted command records; the chain sees only ciphertext and the
 * relayer's address.
 */
contract Ledger is EpochKeys {
    /// @notice Size of one sealed command record, in bytes (header 8, HPKE enc 32, AEAD of a 256-byte bucket 272).
    /// Every record has this size, so size leaks nothing.
    uint256 public constant RECORD_BYTES = 312;
    /// @notice Most records one batch may carry.
    uint256 public constant MAX_RECORDS_PER_BATCH = 256;

    /// @notice A batch must carry at least one record.
    error LedgerEmptyBatch();
    /// @notice A batch's length must be a multiple of RECORD_BYTES.
    /// @param length The length that was submitted.
    error LedgerMisalignedBatch(uint256 length);
    /// @notice A batch carries more than MAX_RECORDS_PER_BATCH records.
    /// @param records How many records were submitted.
    /// @param max The limit.
    error LedgerBatchTooLarge(uint256 records, uint256 max);

    /// @param governor Receives the governance roles of the registry.
    constructor(address governor) EnclaveRegistry(governor) {}

    /**
     * @notice Appends a batch of sealed command records as one input: payload = uint64 block number ‖ records. Anyone may submit: a relayer posts for users, so the
     * chain sees the relayer's address, never the user's.
     * @param records Concatenated records of RECORD_BYTES each.
     * @return assigned The sequence number the batch received.
     */
    function submit(bytes calldata records) external returns (uint64 assigned) {
        if (records.length == 0) revert LedgerEmptyBatch();
        if (records.length % RECORD_BYTES != 0) revert LedgerMisalignedBatch(records.length);
        uint256 count = records.length / RECORD_BYTES;
        if (count > MAX_RECORDS_PER_BATCH) revert LedgerBatchTooLarge(count, MAX_RECORDS_PER_BATCH);
        // The block number goes into the accumulated payload: enclaves check deadlines against it, and no host can
        // claim another one.
        return _append(KIND_COMMAND_BATCH, abi.encodePacked(uint64(block.number), records));
    }
}
