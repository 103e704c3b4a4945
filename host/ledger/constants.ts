/** Ledger constants mirrored from contracts/src (a contract test checks they agree). */

/** Size of one sealed command record, in bytes (enclave-wasm/envelopes/commandEnvelope.ts). */
export { COMMAND_RECORD_BYTES as RECORD_BYTES } from '../../enclave-wasm/envelopes/commandEnvelope'

/** Size of one session command record, in bytes (Ledger.SESSION_RECORD_BYTES, input kind 7). */
export { SESSION_RECORD_BYTES } from '../../enclave-wasm/protocol'

/** Most records one batch (command or session) may carry. */
export const MAX_RECORDS_PER_BATCH = 256

/** TEE type of the simulated platform, as bytes4 "SIM\0". */
export { TEE_TYPE_SIM } from '../../enclave-wasm/envelopes/verifySimEvidence'
