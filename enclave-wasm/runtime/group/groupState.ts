/**
 * What one enclave knows of its group, replayed from the Ledger's input stream: the accumulator, the member list,
 * the current epoch and (if it is a member that received a share) the epoch secret. Lives only inside the Worker.
 */
import type { Address, Hex } from 'viem'
import type { HistoryEntry } from '../../envelopes/readReply'

/** What happened to an account's command: its nonce, the outcome code (0 = applied) and the input that carried it. */
export type Receipt = { nonce: bigint; code: number; seq: bigint }

/** A live session of an account (the fast path). Ends at `expiresBlock`, at the account's `endSession` or at a rekey. */
export type Session = {
  /** The 32-byte session key the wallet granted; deriveSessionKeys turns it into the tag and encryption keys. */
  key: Uint8Array
  /** The epoch it was granted in (part of its key derivation). */
  epoch: bigint
  expiresBlock: bigint
  /** The next counter the session's wallet will use; lower counters never open again. */
  next: bigint
}

export type Member = {
  signer: Address
  operator: Address
  initKey: Hex
  measurement: Hex
  /**
   * This enclave verified the member's latest attestation evidence itself (checkRegistration, with its own
   * measurement as the allow-list). A member it refused keeps its place, so positions and set hashes match the
   * chain's, but is sealed no share and its rekeys are not adopted.
   */
  admitted: boolean
}

/** This enclave's own keys. */
export type Identity = {
  signerKey: Hex
  signer: Address
  /** Init keys whose private half is still needed: the one the chain lists for us, and at most one pending. */
  initKeys: { publicKey: Hex; privateKey: Uint8Array }[]
}

export type GroupState = {
  /** The deployment this enclave serves; part of every signature and share label. */
  chainId: bigint
  ledger: Address
  /**
   * This enclave's own measurement, from its launch: the allow-list it checks members against. The group runs one
   * build; an upgrade is a new measurement, so its enclaves register as new members.
   */
  measurement: Hex
  seq: bigint
  acc: Hex
  /** Running transition root: SHA-256("anonify/v1 root" ‖ root ‖ acc ‖ outcome) per input; equal on every replica. */
  root: Hex
  members: Member[]
  epoch: bigint
  cmdPubKey: Hex | undefined
  /** Present only while this enclave holds the current epoch. */
  epochSecret: Uint8Array | undefined
  /** The members the current epoch was keyed for: a different list needs a rekey. */
  epochMembers: Address[]
  /** Governance asked for a new epoch since the current one began. */
  rekeyRequested: boolean
  /** Our init key opened the current epoch's share; it must be replaced so a later leak cannot reopen it. */
  initKeyRotationDue: boolean
  /**
   * Governance or expiry removed this enclave and it dropped the identity it was a member under; the next
   * registration creates a new one (the old signer can never register again).
   */
  removed: boolean
  /** The outcome of each account's latest signed command (core code or FAIL_EXPIRED), for its wallet only. */
  receipts: Record<string, Receipt>
  /** Each account's latest commands and incoming transfers (at most READ_HISTORY_ENTRIES), for its wallet only. */
  history: Record<string, HistoryEntry[]>
  /** Live sessions by lowercase account. */
  sessions: Record<string, Session>
  /** Why the last rekey addressed to us was refused, if it was. */
  lastRekeyRefusal: string | undefined
  identity: Identity | undefined
}

export const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`

/** The state of an enclave bound to a deployment that has seen no input yet. */
export function emptyGroupState(chainId: bigint, ledger: Address, measurement: Hex): GroupState {
  return {
    chainId,
    ledger,
    measurement,
    seq: 0n,
    acc: ZERO_HASH,
    root: ZERO_HASH,
    members: [],
    epoch: 0n,
    cmdPubKey: undefined,
    epochSecret: undefined,
    epochMembers: [],
    rekeyRequested: false,
    initKeyRotationDue: false,
    removed: false,
    receipts: {},
    history: {},
    sessions: {},
    lastRekeyRefusal: undefined,
    identity: undefined,
  }
}
