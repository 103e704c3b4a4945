/** Domain labels and sizes shared with the Ledger contract (contracts/src/EpochKeys.sol). */
import { keccak256, stringToBytes } from 'viem'

/** EpochKeys.INIT_KEY_TAG. */
export const INIT_KEY_TAG = keccak256(stringToBytes('anonify/v1 init-key'))
/** EpochKeys.SHARE_BYTES: HPKE enc (32) ‖ the sealed 32-byte epoch secret with its tag (48). */
export const SHARE_BYTES = 80

/** EpochKeys.REKEY_ANSWER_TAG. */
export const REKEY_ANSWER_TAG = keccak256(stringToBytes('anonify/v1 rekey-answer'))
