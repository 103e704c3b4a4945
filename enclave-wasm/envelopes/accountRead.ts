/**
 * Authenticated reads. A wallet signs `Read(account, replyKey, expiresAt)` (EIP-712) once per page or process for a
 * one-time X25519 reply key; each read then sends a fresh 32-byte request nonce beside it. The enclave answers only
 * to `replyKey`, and signs what it answered with its registered signer key, bound to the request:
 *
 *   reply     = HPKE(replyKey, info = "anonify/v2 read" ‖ u256 chainId ‖ ledger ‖ account ‖ requestNonce,
 *                    plaintext = read reply v2)
 *   signature = the enclave signer's EIP-712 signature over
 *               ReadReply(account, replyKey, requestNonce, seq, acc, replyHash = keccak256(reply))
 *
 * So a node that is not a member cannot forge an answer, an earlier answer does not fit a later request, and the
 * wallet checks `seq` and `acc` against the Ledger (host/ledger/checkReadAnswer.ts): state the chain never held, or
 * state long behind it, is refused. The plaintext (readReply.ts) carries the account's nonce, its latest receipt,
 * each app's section and its history, in one bucket size.
 */
import { encodePacked, hexToBytes, type Address, type Hex } from 'viem'
import * as codes from '../shared/constants'
import { APP_SCHEMAS } from './apps/registry'
import { commandDomain } from './commandEnvelope'

export const READ_TYPES = {
  Read: [
    { name: 'account', type: 'address' },
    { name: 'replyKey', type: 'bytes32' },
    { name: 'expiresAt', type: 'uint64' },
  ],
} as const

/**
 * The longest a signed read key may live, in seconds: the enclave refuses a longer one, so a read key that leaks with
 * its private half reads the account for a day at most.
 */
export const MAX_READ_KEY_SECONDS = 86_400n

export const READ_REPLY_TYPES = {
  ReadReply: [
    { name: 'account', type: 'address' },
    { name: 'replyKey', type: 'bytes32' },
    { name: 'requestNonce', type: 'bytes32' },
    { name: 'seq', type: 'uint64' },
    { name: 'acc', type: 'bytes32' },
    { name: 'replyHash', type: 'bytes32' },
  ],
} as const

/** What an enclave's signature on a read reply binds: the request, the state it answered from, and the ciphertext. */
export type ReadReplyBinding = {
  account: Address
  replyKey: Hex
  requestNonce: Hex
  seq: bigint
  acc: Hex
  replyHash: Hex
}

/** The EIP-712 typed data an enclave signs for a read reply (verified by wallets with recoverEnclaveSigner). */
export function readReplyTypedData(chainId: bigint, ledger: Address, binding: ReadReplyBinding) {
  return {
    domain: commandDomain(chainId, ledger),
    types: READ_REPLY_TYPES,
    primaryType: 'ReadReply',
    message: binding,
  } as const
}

/** HPKE info of a reply: binds deployment, account and the request it answers. */
export function readInfo(chainId: bigint, ledger: Address, account: Address, requestNonce: Hex): Uint8Array {
  return hexToBytes(
    encodePacked(
      ['string', 'uint256', 'address', 'address', 'bytes32'],
      ['anonify/v2 read', chainId, ledger, account, requestNonce],
    ),
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
