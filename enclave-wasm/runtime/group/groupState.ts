/**
 * What one enclave knows of its group, replayed from the Ledger's input stream: the accumulator, the member list,
 * the current epoch and (if it is a member that received a share) the epoch secret. Lives only inside the Worker.
 */
import { isAddressEqual, type Address, type Hex } from 'viem'

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
  /** The input that added it. */
  addedAt: bigint
  /**
   * This enclave knows the member's registration is the chain's, not its host's invention (vouching.ts): shares and
   * adopted rekeys need it once a second operator holds the group's epoch.
   */
  vouched: boolean
}

/** This enclave's own keys. */
export type Identity = {
  signerKey: Hex
  signer: Address
  /** Init keys whose private half is still needed: the one the chain lists for us, and at most one pending. */
  initKeys: { publicKey: Hex; privateKey: Uint8Array }[]
}

/**
 * A posted rekey awaiting its members' answers (EpochKeys' PendingRekey): the group keeps using the settled epoch
 * until a majority acks or the Ledger settles it on its block timeout (input 13), and drops this one if a majority of
 * the others complain first or the member set changes.
 */
export type PendingRekey = {
  epoch: bigint
  /** The input that carried it; answers name it. */
  seq: bigint
  proposer: Address
  cmdPubKey: Hex
  commit: Hex
  /** Members whose enclaves acked, the proposer first. */
  acks: Address[]
  complaints: Address[]
  /** Our share, opened and checked against the commitment; adopted only when the rekey settles. */
  secret: Uint8Array | undefined
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
  /**
   * Running transition root, HMAC-SHA256 under the epoch's root key of ("anonify/v1 root" ‖ root ‖ acc ‖ outcome) per
   * input (SHA-256 before the group's first epoch, when nothing is confidential yet): equal on every replica that
   * holds the epoch, useless to anyone else. Undefined once this enclave missed an input it could not open (it joined
   * late, or lost its share): it then vouches for nothing until it restores from a checkpoint's snapshot.
   */
  root: Hex | undefined
  members: Member[]
  epoch: bigint
  cmdPubKey: Hex | undefined
  /** Present only while this enclave holds the current epoch. */
  epochSecret: Uint8Array | undefined
  /** The members the current epoch was keyed for: a different list needs a rekey. */
  epochMembers: Address[]
  /**
   * The members the previous epoch was keyed for: those that held the state before the current epoch admitted
   * anyone. One of them (of another operator, where there is one) must sign the checkpoint a joiner restores from.
   */
  previousEpochMembers: Address[]
  /** The latest checkpoints this enclave made or restored from (MAX_HELD_CHECKPOINTS), oldest first. */
  ownCheckpoints: OwnCheckpoint[]
  /**
   * The operators of every member this enclave ever vouched for. Once one is another operator than this enclave's,
   * every new member needs another operator's word before it gets a share (vouching.ts). Never shrinks, so a host
   * that fabricates the removal of the other operators' members cannot return the group to trusting it alone.
   */
  vouchedOperators: Address[]
  /** The latest checkpoint the Ledger accepted (input 15). */
  acceptedCheckpoint: { seq: bigint; stateRoot: Hex; signers: number } | undefined
  /** This enclave's own state root at an accepted checkpoint's position differed from it: it cannot vouch for it. */
  divergedAt: bigint | undefined
  /** The Ledger paused command intake over a divergence at this position (input 16), until governance resumed. */
  pausedAt: bigint | undefined
  /** The proposed next epoch, while it is neither settled nor voided. */
  pendingRekey: PendingRekey | undefined
  /** Governance asked for a new epoch since the current one began. */
  rekeyRequested: boolean
  /** Our init key opened the current epoch's share; it must be replaced so a later leak cannot reopen it. */
  initKeyRotationDue: boolean
  /**
   * Governance or expiry removed this enclave and it dropped the identity it was a member under; the next
   * registration creates a new one (the old signer can never register again).
   */
  removed: boolean
  /** Why our share of the last rekey addressed to us did not open or match, if it did not. */
  lastRekeyRefusal: string | undefined
  identity: Identity | undefined
}

/** The member `signer`, if it is one. */
export function memberOf(state: Pick<GroupState, 'members'>, signer: Address): Member | undefined {
  return state.members.find((m) => isAddressEqual(m.signer, signer))
}

/** This enclave's own entry in the member list, once it is a member. */
export function ownMember(state: Pick<GroupState, 'members' | 'identity'>): Member | undefined {
  return state.identity && memberOf(state, state.identity.signer)
}

/** A checkpoint this enclave made or restored from, as it signed it. */
export type OwnCheckpoint = { seq: bigint; acc: Hex; stateRoot: Hex }

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
    previousEpochMembers: [],
    ownCheckpoints: [],
    vouchedOperators: [],
    acceptedCheckpoint: undefined,
    divergedAt: undefined,
    pausedAt: undefined,
    pendingRekey: undefined,
    rekeyRequested: false,
    initKeyRotationDue: false,
    removed: false,
    lastRekeyRefusal: undefined,
    identity: undefined,
  }
}
