/**
 * Quorum before release (DESIGN.md §4). The host chooses what its enclave sees and can fold a registration the chain
 * never held into a consistent accumulator; with evidence it can forge (simulation's public root key, a leaked
 * platform key) that member passes every check the enclave can make alone. So once another operator has a member
 * here, an enclave seals a new member a share, or adopts a rekey from one, only on another operator's word:
 * - a checkpoint covering the registration, signed by a vouched member of another operator over the accumulator this
 *   enclave itself had there (that member's host showed it the same stream; no host signs for another's enclave), or
 * - the registration transaction itself (the `vouch` ECALL), signed by its operator's wallet, where that operator is
 *   another one whose members this enclave vouched for before: how an operator replaces a node that lost its data,
 *   even when no other operator's member is online to sign a checkpoint.
 *
 * Vouched are also this enclave itself and every admitted member of an epoch it was keyed into (the proposer vouched
 * for them, or this enclave held no epoch and so had nothing to lose). While only one operator's members were ever
 * vouched here, that operator's host is trusted to admit members: there is no one else to ask.
 */
import { isAddressEqual, type Address } from 'viem'
import type { Checkpoint } from '../../envelopes/checkpointTypes'
import { MAX_HELD_CHECKPOINTS } from '../checkpoint/schedule'
import { memberOf, ownMember, type GroupState, type Member, type OwnCheckpoint } from './groupState'

/** Records a checkpoint this enclave made or restored from, keeping the latest few. */
export function recordOwnCheckpoint(state: GroupState, own: OwnCheckpoint): void {
  state.ownCheckpoints = [...state.ownCheckpoints.filter((c) => c.seq !== own.seq), own].slice(-MAX_HELD_CHECKPOINTS)
}

/**
 * An accepted checkpoint whose `signers` (their signatures checked) include a vouched member of another operator,
 * over the accumulator this enclave itself had at that position, vouches for every admitted member added up to it.
 */
export function vouchByCheckpoint(state: GroupState, checkpoint: Checkpoint, signers: readonly Address[]): void {
  const self = ownMember(state)
  const ours = state.ownCheckpoints.find((c) => c.seq === checkpoint.seq)
  if (!self || !ours || ours.acc.toLowerCase() !== checkpoint.acc.toLowerCase()) return
  const foreignVoucher = signers.some((signer) => {
    const member = memberOf(state, signer)
    return member?.vouched && !isAddressEqual(member.operator, self.operator)
  })
  if (!foreignVoucher) return
  for (const member of state.members) if (member.admitted && member.addedAt <= checkpoint.seq) vouchFor(state, member)
}

/** This enclave was keyed into a new epoch: the proposer vouched for every admitted member it sealed a share to. */
export function vouchEpochMembers(state: GroupState): void {
  for (const member of state.members) if (member.admitted) vouchFor(state, member)
}

/** Whether a rekey by `proposer` may be adopted: always while this enclave holds no epoch (it has nothing to lose). */
export function trustsProposer(state: GroupState, proposer: Address): boolean {
  return state.epochSecret === undefined || memberOf(state, proposer)?.vouched === true
}

/** The first admitted member that may not have a share yet, or undefined when every one may. */
export function awaitingCheckpoint(state: GroupState): Member | undefined {
  const self = ownMember(state)
  if (!self || !state.vouchedOperators.some((o) => !isAddressEqual(o, self.operator))) return undefined
  return state.members.find((m) => m.admitted && !m.vouched)
}

/** Marks `member` vouched for, and its operator as one this enclave vouched for. */
export function vouchFor(state: GroupState, member: Member): void {
  member.vouched = true
  if (!state.vouchedOperators.some((o) => isAddressEqual(o, member.operator)))
    state.vouchedOperators.push(member.operator)
}
