/**
 * Pending rekeys, as EpochKeys runs them: a rekey input proposes epoch e+1 and each member's enclave opens and checks
 * its share, but keeps epoch e until the rekey settles: at the ack that makes a majority of the members (the proposer
 * counts as one), or at the KIND_REKEY_SETTLED input anyone may have the Ledger append once its block timeout passed.
 * A majority of the others complaining first voids it (the Ledger then removes the proposer), and so does any
 * membership change. Every enclave counts the same signed answers from the same inputs, so all settle or void at the
 * same input; a proposal or an answer no member's enclave signed cannot have come from the Ledger and stops the
 * replay.
 */
import { hexToBytes, isAddressEqual } from 'viem'
import type { LedgerInput } from '../../protocol'
import { decodeRekeyInput, type RekeyInput } from '../../envelopes/rekeyInput'
import { recoverEnclaveSigner } from '../../envelopes/recoverEnclaveSigner'
import { rekeyDigest } from '../../envelopes/rekeyDigest'
import { decodeInput } from './decodeInput'
import { memberOf, type GroupState, type PendingRekey } from './groupState'
import { openWith } from './hpke'
import { InputRejectedError } from './inputRejectedError'
import { deriveEpochKeys } from './keySchedule'
import { memberSetHash } from './memberSetHash'
import { rekeyAnswerDigest } from './rekeyAnswerDigest'
import { shareInfo } from './shareInfo'
import { trustsProposer, vouchEpochMembers } from './vouching'

/** abi.encode(epoch, rekeySeq, signer, signature): KIND_REKEY_ACK and KIND_REKEY_COMPLAINT. */
const ANSWER_PAYLOAD = [{ type: 'uint64' }, { type: 'uint64' }, { type: 'address' }, { type: 'bytes' }] as const

/** abi.encode(epoch, rekeySeq): KIND_REKEY_SETTLED. */
const SETTLED_PAYLOAD = [{ type: 'uint64' }, { type: 'uint64' }] as const

/** Drops the pending rekey, if any: the settled epoch stays. */
export function voidPendingRekey(state: GroupState): void {
  state.pendingRekey?.secret?.fill(0)
  state.pendingRekey = undefined
}

/** Applies a KIND_REKEY input: checks it as the Ledger did, opens our share and makes it the pending rekey. */
export async function applyRekey(state: GroupState, input: LedgerInput): Promise<void> {
  const rekey = rekeyOf(input)
  const { epoch, proposer, cmdPubKey, commit } = rekey
  // The chain enforced all of this; disagreeing here means the host made the input up or this replica diverged.
  if (epoch !== state.epoch + 1n) throw rejected(input, `proposes epoch ${epoch} after epoch ${state.epoch}`)
  if (state.pendingRekey)
    throw rejected(input, `proposes epoch ${epoch} while the rekey of input ${state.pendingRekey.seq} is pending`)
  if (rekey.atSeq > state.seq) throw rejected(input, `claims to be built at input ${rekey.atSeq}, which is ahead`)
  if (rekey.setHash !== memberSetHash(state)) throw rejected(input, `is for another member set at epoch ${epoch}`)
  if (rekey.shares.length !== state.members.length) throw rejected(input, 'does not carry one share per member')
  const { chainId, ledger } = state
  // Without this a host could feed its enclave a rekey whose secret it chose, and read every later command.
  const signedBy = recoverEnclaveSigner(rekeyDigest({ chainId, ledger, ...rekey }), rekey.signature)
  if (!signedBy || !isAddressEqual(signedBy, proposer) || !memberOf(state, proposer))
    throw rejected(input, `is not signed by its proposer ${proposer}, a member`)

  state.lastRekeyRefusal = undefined
  const pending: PendingRekey = {
    epoch,
    seq: input.seq,
    proposer,
    cmdPubKey,
    commit,
    acks: [proposer],
    complaints: [],
    secret: await openOwnShare(state, rekey),
  }
  state.pendingRekey = pending
  settleIfMajority(state, pending)
}

/** Applies a KIND_REKEY_ACK (`ack`) or KIND_REKEY_COMPLAINT input. */
export function applyRekeyAnswer(state: GroupState, input: LedgerInput, ack: boolean): void {
  const [epoch, rekeySeq, signer, signature] = decodeInput(input, ANSWER_PAYLOAD)
  const pending = state.pendingRekey
  if (!pending || pending.epoch !== epoch || pending.seq !== rekeySeq)
    throw rejected(input, `answers a rekey (epoch ${epoch}, input ${rekeySeq}) that is not pending`)
  const answered = [...pending.acks, ...pending.complaints].some((a) => isAddressEqual(a, signer))
  const signedBy = recoverEnclaveSigner(rekeyAnswerDigest(state, { epoch, rekeySeq, signer, ack }), signature)
  if (!memberOf(state, signer) || answered || !signedBy || !isAddressEqual(signedBy, signer))
    throw rejected(input, `is not a first answer signed by the member ${signer}`)
  if (ack) {
    pending.acks.push(signer)
    settleIfMajority(state, pending)
  } else {
    pending.complaints.push(signer)
    // The Ledger removes the proposer in the input that follows; until then nothing else changes.
    if (pending.complaints.length >= Math.floor((state.members.length - 1) / 2) + 1) voidPendingRekey(state)
  }
}

/**
 * Applies a KIND_REKEY_SETTLED input: the Ledger settled the pending rekey on its block timeout. The enclave cannot
 * see blocks, so it takes the timeout on the input's word; what it checks is that the input names the rekey it holds
 * pending, so a made-up settlement can at most adopt, early, a rekey a member's enclave signed.
 */
export function applyRekeySettled(state: GroupState, input: LedgerInput): void {
  const [epoch, rekeySeq] = decodeInput(input, SETTLED_PAYLOAD)
  const pending = state.pendingRekey
  if (!pending || pending.epoch !== epoch || pending.seq !== rekeySeq)
    throw rejected(input, `settles a rekey (epoch ${epoch}, input ${rekeySeq}) that is not pending`)
  settle(state, pending)
}

/** Settles `pending` once acks reach floor(n/2)+1. */
function settleIfMajority(state: GroupState, pending: PendingRekey): void {
  if (pending.acks.length >= Math.floor(state.members.length / 2) + 1) settle(state, pending)
}

/**
 * Makes `pending` the current epoch: the old secret is erased only now that the next one is in hand (or, for a member
 * whose share did not open, now that the group has moved on without it), and sessions end with their epoch.
 */
function settle(state: GroupState, pending: PendingRekey): void {
  state.epochSecret?.fill(0)
  state.epoch = pending.epoch
  state.cmdPubKey = pending.cmdPubKey
  state.epochSecret = pending.secret
  state.previousEpochMembers = state.epochMembers
  state.epochMembers = state.members.map((m) => m.signer)
  state.rekeyRequested = false
  // Sessions end with the epoch: the session book drops every session of an earlier one (a member removed by this
  // rekey keeps copies of their keys, so none may open again).
  state.initKeyRotationDue = pending.secret !== undefined
  if (pending.secret) vouchEpochMembers(state)
  state.pendingRekey = undefined
}

/** Our share's secret if it opens and matches the commitment; otherwise why not goes to lastRekeyRefusal. */
async function openOwnShare(state: GroupState, rekey: RekeyInput): Promise<Uint8Array | undefined> {
  const identity = state.identity
  const index = identity ? state.members.findIndex((m) => isAddressEqual(m.signer, identity.signer)) : -1
  if (!identity || index === -1) return undefined
  const { epoch, commit, cmdPubKey } = rekey
  const initKey = identity.initKeys.find((k) => k.publicKey === state.members[index]!.initKey)
  try {
    // A proposer whose attestation this enclave refused may be no enclave at all: its secret may be known outside.
    if (!memberOf(state, rekey.proposer)?.admitted)
      throw new Error('the proposer is a member whose attestation this enclave refused')
    // A host could fabricate a member with forgeable evidence and a rekey from it, with a secret the host chose.
    if (!trustsProposer(state, rekey.proposer))
      throw new Error("the proposer's registration is not yet covered by another operator's checkpoint")
    if (!initKey) throw new Error('the share is sealed to an init key this enclave no longer holds')
    const share = hexToBytes(rekey.shares[index]!)
    const secret = await openWith(
      initKey.privateKey,
      shareInfo(state, epoch, identity.signer),
      hexToBytes(commit),
      share,
    )
    const derived = await deriveEpochKeys(secret, epoch)
    // Every member checks the same public commitment, so a proposer cannot give members different secrets.
    if (derived.command.publicKey !== cmdPubKey || derived.commit !== commit)
      throw new Error('the share does not match the commitment')
    return secret
  } catch (error) {
    state.lastRekeyRefusal = `epoch ${epoch}: ${(error as Error).message}`
    return undefined
  }
}

function rekeyOf(input: LedgerInput): RekeyInput {
  try {
    return decodeRekeyInput(input.payload)
  } catch {
    throw rejected(input, 'is not a rekey')
  }
}

function rejected(input: LedgerInput, problem: string): InputRejectedError {
  return new InputRejectedError(`input ${input.seq} (kind ${input.kind}) ${problem}`)
}
