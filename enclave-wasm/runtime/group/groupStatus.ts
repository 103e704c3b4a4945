/** The public facts of a group state that the host may see: no key, no secret. */
import { isAddressEqual, type Address, type Hex } from 'viem'
import type { GroupState } from './groupState'

export type GroupStatus = {
  signer: Address | undefined
  member: boolean
  removed: boolean
  seq: bigint
  acc: Hex
  epoch: bigint
  cmdPubKey: Hex | undefined
  members: Address[]
  /** This enclave holds the current epoch secret. */
  holdsEpoch: boolean
  /** The member list differs from the one the current epoch was keyed for. */
  rekeyNeeded: boolean
  /** This enclave should propose the next rekey (others wait, then fall back). */
  designatedProposer: boolean
  initKeyRotationDue: boolean
  lastRekeyRefusal: string | undefined
}

/** Summarises `state` for the host. */
export function groupStatus(state: GroupState): GroupStatus {
  const signer = state.identity?.signer
  const member = signer !== undefined && state.members.some((m) => isAddressEqual(m.signer, signer))
  const holdsEpoch = member && state.epochSecret !== undefined
  const members = state.members.map((m) => m.signer)
  const keyedFor = state.epochMembers
  const rekeyNeeded =
    members.length > 0 &&
    (state.epoch === 0n || members.length !== keyedFor.length || members.some((m, i) => !isAddressEqual(m, keyedFor[i]!)))
  // Genesis: the first member. Later: the first current member that was keyed into the current epoch.
  const proposer = state.epoch === 0n ? members[0] : members.find((m) => state.epochMembers.some((e) => isAddressEqual(e, m)))
  return {
    signer,
    member,
    removed: state.removed,
    seq: state.seq,
    acc: state.acc,
    epoch: state.epoch,
    cmdPubKey: state.cmdPubKey,
    members,
    holdsEpoch,
    rekeyNeeded,
    designatedProposer: rekeyNeeded && signer !== undefined && proposer !== undefined && isAddressEqual(proposer, signer) && (state.epoch === 0n || holdsEpoch),
    initKeyRotationDue: state.initKeyRotationDue && member,
    lastRekeyRefusal: state.lastRekeyRefusal,
  }
}
