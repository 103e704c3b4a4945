/** The public facts of a group state that the host may see: no key, no secret. */
import { isAddressEqual } from 'viem'
import type { GroupView } from '../../protocol'
import type { GroupState } from './groupState'
import { awaitingCheckpoint } from './vouching'

/** Summarises `state` for the host. */
export function groupStatus(state: GroupState): GroupView {
  const signer = state.identity?.signer
  const member = signer !== undefined && state.members.some((m) => isAddressEqual(m.signer, signer))
  const holdsEpoch = member && state.epochSecret !== undefined
  const members = state.members.map((m) => m.signer)
  const keyedFor = state.epochMembers
  const pending = state.pendingRekey
  const lastCheckpoint = state.ownCheckpoints.at(-1)
  const waiting = awaitingCheckpoint(state)
  const rekeyNeeded =
    members.length > 0 &&
    // One rekey at a time: a pending one settles (by acks or on its timeout) or is voided, never replaced.
    !pending &&
    (state.epoch === 0n ||
      state.rekeyRequested ||
      members.length !== keyedFor.length ||
      members.some((m, i) => !isAddressEqual(m, keyedFor[i]!)))
  // Genesis: the first admitted member. Later: the first admitted member that was keyed into the current epoch. A
  // member this enclave refused is never designated: its rekeys would not be adopted here.
  const admitted = state.members.filter((m) => m.admitted).map((m) => m.signer)
  const proposer =
    state.epoch === 0n ? admitted[0] : admitted.find((m) => state.epochMembers.some((e) => isAddressEqual(e, m)))
  return {
    signer,
    member,
    removed: state.removed,
    seq: state.seq,
    root: state.root,
    restoring: state.root === undefined,
    checkpoint: lastCheckpoint && { seq: lastCheckpoint.seq, stateRoot: lastCheckpoint.stateRoot },
    acceptedCheckpoint: state.acceptedCheckpoint,
    divergedAt: state.divergedAt,
    pausedAt: state.pausedAt,
    epoch: state.epoch,
    cmdPubKey: state.cmdPubKey,
    members,
    epochHolders: members.filter((m) => keyedFor.some((k) => isAddressEqual(k, m))),
    awaitingCheckpoint: waiting && { signer: waiting.signer, addedAt: waiting.addedAt },
    pendingEpoch: pending?.epoch,
    rekeyAnswerDue:
      member &&
      pending !== undefined &&
      ![...pending.acks, ...pending.complaints].some((a) => isAddressEqual(a, signer)),
    holdsEpoch,
    rekeyNeeded,
    designatedProposer:
      rekeyNeeded &&
      signer !== undefined &&
      proposer !== undefined &&
      isAddressEqual(proposer, signer) &&
      (state.epoch === 0n || holdsEpoch),
    // The Ledger refuses init-key updates while a rekey is pending: its share is sealed to the current key.
    initKeyRotationDue: state.initKeyRotationDue && member && pending === undefined,
    lastRekeyRefusal: state.lastRekeyRefusal,
  }
}
