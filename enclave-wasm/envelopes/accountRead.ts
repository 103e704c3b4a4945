/**
 * Authenticated reads: a wallet proves it controls an account by signing `Read(account, replyKey)` (EIP-712), and
 * the enclave answers only to `replyKey` (a one-time X25519 key of the wallet), so the host relays ciphertext only.
 *
 *   reply = HPKE(replyKey, info = "anonify/v1 read" ‖ u256 chainId ‖ ledger ‖ account, plaintext = balance u128 ‖
 *           nonce u64 ‖ seq u64 ‖ has receipt u8 ‖ receipt nonce u64 ‖ receipt code u16 ‖ receipt seq u64)
 *           ‖ history count u8 ‖ HISTORY_ENTRIES × entry (56 bytes, zero-filled past count)
 *           ‖ session live u8 ‖ session epoch u64 ‖ expiresBlock u64 ‖ next counter u64 (zeros when none)
 * The receipt is the outcome of the account's latest signed command, so its wallet learns why a command failed; the
 * history lists its latest commands (with their nonces, so a wallet finds the outcome of each command it sent, not
 * only the latest) and incoming transfers. The reply has one size whatever the history holds.
 */
import { bytesToHex, encodePacked, getAddress, hexToBytes, type Address } from 'viem'
import type { CoreCommand } from './coreCommands'
import * as codes from '../shared/constants'
import { APP_SCHEMAS } from './apps/registry'

export const READ_TYPES = {
  Read: [
    { name: 'account', type: 'address' },
    { name: 'replyKey', type: 'bytes32' },
  ],
} as const

/** Entries of an account's history kept and returned (oldest dropped first). */
export const HISTORY_ENTRIES = 32
const ENTRY_BYTES = 56
const HISTORY_OFFSET = 51
const SESSION_OFFSET = HISTORY_OFFSET + 1 + HISTORY_ENTRIES * ENTRY_BYTES
export const READ_REPLY_BYTES = SESSION_OFFSET + 25

/** One line of an account's history: a command it signed (sent) or a transfer that credited it (received). */
export type HistoryEntry = {
  seq: bigint
  direction: 'sent' | 'received'
  op: CoreCommand['op']
  /** The other party (recipient, spender, owner or sender), zero when there is none. */
  counterparty: Address
  amount: bigint
  /** 0 = applied, otherwise the failure code (OUTCOME_NAMES). */
  code: number
  /** The nonce of a command the account sent; 0 for what it received. */
  nonce: bigint
}

// Append only: an op's index is its byte in the reply.
const OPS: CoreCommand['op'][] = [
  'init',
  'mint',
  'transfer',
  'approve',
  'transferFrom',
  'burn',
  'startSession',
  'endSession',
  'requireAttributes',
  'grantIssuer',
  'attest',
  'revoke',
]

/** HPKE info of a reply: binds deployment and account. */
export function readInfo(chainId: bigint, ledger: Address, account: Address): Uint8Array {
  return hexToBytes(
    encodePacked(['string', 'uint256', 'address', 'address'], ['anonify/v1 read', chainId, ledger, account]),
  )
}

/** The outcome of a command: its nonce, 0 or a failure code (shared/constants.ts), and the input that carried it. */
export type CommandReceipt = { nonce: bigint; code: number; seq: bigint }

/** The account's live session as the enclave sees it: a wallet resumes its counter from `next`. */
export type SessionStatus = { epoch: bigint; expiresBlock: bigint; next: bigint }

export type AccountReply = {
  balance: bigint
  nonce: bigint
  seq: bigint
  receipt: CommandReceipt | undefined
  history: HistoryEntry[]
  session: SessionStatus | undefined
}

export function encodeReadReply({ balance, nonce, seq, receipt, history, session }: AccountReply): Uint8Array {
  const bytes = new Uint8Array(READ_REPLY_BYTES)
  const view = new DataView(bytes.buffer)
  view.setBigUint64(0, balance >> 64n)
  view.setBigUint64(8, balance & ((1n << 64n) - 1n))
  view.setBigUint64(16, nonce)
  view.setBigUint64(24, seq)
  if (receipt) {
    view.setUint8(32, 1)
    view.setBigUint64(33, receipt.nonce)
    view.setUint16(41, receipt.code)
    view.setBigUint64(43, receipt.seq)
  }
  const entries = history.slice(-HISTORY_ENTRIES)
  view.setUint8(HISTORY_OFFSET, entries.length)
  entries.forEach((entry, i) => {
    const at = HISTORY_OFFSET + 1 + i * ENTRY_BYTES
    view.setBigUint64(at, entry.seq)
    view.setUint8(at + 8, entry.direction === 'sent' ? 0 : 1)
    view.setUint8(at + 9, OPS.indexOf(entry.op))
    view.setUint16(at + 10, entry.code)
    bytes.set(hexToBytes(entry.counterparty), at + 12)
    view.setBigUint64(at + 32, entry.amount >> 64n)
    view.setBigUint64(at + 40, entry.amount & ((1n << 64n) - 1n))
    view.setBigUint64(at + 48, entry.nonce)
  })
  if (session) {
    view.setUint8(SESSION_OFFSET, 1)
    view.setBigUint64(SESSION_OFFSET + 1, session.epoch)
    view.setBigUint64(SESSION_OFFSET + 9, session.expiresBlock)
    view.setBigUint64(SESSION_OFFSET + 17, session.next)
  }
  return bytes
}

function opAt(index: number): CoreCommand['op'] {
  const op = OPS[index]
  if (op === undefined) throw new Error(`malformed read reply: unknown op ${index}`)
  return op
}

export function decodeReadReply(bytes: Uint8Array): AccountReply {
  if (bytes.byteLength !== READ_REPLY_BYTES) throw new Error('malformed read reply')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const receipt =
    view.getUint8(32) === 1
      ? { nonce: view.getBigUint64(33), code: view.getUint16(41), seq: view.getBigUint64(43) }
      : undefined
  const count = Math.min(view.getUint8(HISTORY_OFFSET), HISTORY_ENTRIES)
  const history = Array.from({ length: count }, (_, i): HistoryEntry => {
    const at = HISTORY_OFFSET + 1 + i * ENTRY_BYTES
    return {
      seq: view.getBigUint64(at),
      direction: view.getUint8(at + 8) === 0 ? 'sent' : 'received',
      op: opAt(view.getUint8(at + 9)),
      code: view.getUint16(at + 10),
      counterparty: getAddress(bytesToHex(bytes.subarray(at + 12, at + 32))),
      amount: (view.getBigUint64(at + 32) << 64n) | view.getBigUint64(at + 40),
      nonce: view.getBigUint64(at + 48),
    }
  })
  const session =
    view.getUint8(SESSION_OFFSET) === 1
      ? {
          epoch: view.getBigUint64(SESSION_OFFSET + 1),
          expiresBlock: view.getBigUint64(SESSION_OFFSET + 9),
          next: view.getBigUint64(SESSION_OFFSET + 17),
        }
      : undefined
  return {
    balance: (view.getBigUint64(0) << 64n) | view.getBigUint64(8),
    nonce: view.getBigUint64(16),
    seq: view.getBigUint64(24),
    receipt,
    history,
    session,
  }
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
