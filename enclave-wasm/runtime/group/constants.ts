/** Domain labels and sizes shared with the Ledger contract (contracts/src/EpochKeys.sol). */
import { keccak256, stringToBytes } from 'viem'

/** EpochKeys.REKEY_TAG and INIT_KEY_TAG. */
export const REKEY_TAG = keccak256(stringToBytes('anonify/v1 rekey'))
export const INIT_KEY_TAG = keccak256(stringToBytes('anonify/v1 init-key'))
