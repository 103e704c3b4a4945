/** Ledger constants mirrored from contracts/src/Ledger.sol (a contract test checks they agree). */

/** Input kind of a batch of encrypted command records. */
export const KIND_COMMAND_BATCH = 1

/** Size of one encrypted command record, in bytes. */
export const RECORD_BYTES = 256

/** Most records one batch may carry. */
export const MAX_RECORDS_PER_BATCH = 256
