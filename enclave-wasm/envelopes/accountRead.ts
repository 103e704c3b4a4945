/**
 * Authenticated reads: a wallet proves it controls an account by signing `Read(account, replyKey)` (EIP-712), and
 * the enclave answers only to `replyKey` (a one-time X25519 key of the wallet), so the host relays ciphertext only.
 *
 *   reply = HPKE(replyKey, info = "anonify/v1 read" ‖ u256 chainId ‖ ledger ‖ account, plaintext = read reply v2)
 *
 * The plaintext (readReply.ts) carries the account's nonce, its latest receipt, each app's section and its history
 * (with nonces, so a wallet finds the outcome of each command it sent, not only the latest), in one bucket size.
 */
import { encodePacked, hexToBytes, type Address } from 'viem'
import * as codes from '../shared/constants'
import { APP_SCHEMAS } from './apps/registry'

export const READ_TYPES = {
  Read: [
    { name: 'account', type: 'address' },
    { name: 'replyKey', type: 'bytes32' },
  ],
} as const

/** HPKE info of a reply: binds deployment and account. */
export function readInfo(chainId: bigint, ledger: Address, account: Address): Uint8Array {
  return hexToBytes(
    encodePacked(['string', 'uint256', 'address', 'address'], ['anonify/v1 read', chainId, ledger, account]),
  )
}

/** What each outcome code means to a person: the core's own, the enclave's, then every app's (namespaced u16). */
export const OUTCOME_NAMES: Record<number, string> = Object.assign(
  {
    [codes.OK]: 'applied',
    [codes.FAIL_MALFORMED]: 'malformed command',
    [codes.FAIL_UNKNOWN_APP]: 'unknown app',
    [codes.FAIL_UNKNOWN_OP]: 'unknown operation',
    [codes.FAIL_WRONG_NONCE]: 'wrong nonce',
    [codes.FAIL_EXPIRED]: 'expired: sequenced after its deadline block',
  },
  ...APP_SCHEMAS.map((app) => app.failures),
)
