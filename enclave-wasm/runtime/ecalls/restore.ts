/**
 * The `restore` ECALL: a restoring enclave takes the state of a checkpoint's snapshot. It believes nothing the host
 * says: it must itself sit at the checkpoint's position with the same accumulator (it followed the stream there), the
 * signatures must come from a majority of the members that held the state before this epoch admitted anyone, the
 * snapshot must hash to the signed hash, open under this epoch's snapshot key and rebuild the signed state root.
 */
import { isAddressEqual } from 'viem'
import type { CheckpointSignature, EnclaveSchema } from '../../protocol'
import { recoverEnclaveSigner } from '../../envelopes/recoverEnclaveSigner'
import type { Checkpoint } from '../../envelopes/checkpointTypes'
import { OK } from '../../shared/constants'
import { checkpointDigest } from '../checkpoint/makeCheckpoint'
import { decodeSnapshot } from '../checkpoint/snapshotContents'
import { decryptSnapshot, snapshotHash } from '../checkpoint/snapshotCipher'
import { stateRoot } from '../checkpoint/stateRoot'
import { bound, type EnclaveState } from '../enclaveState'
import { GroupActionError } from '../group/groupActions'
import { ownMember, type GroupState, type Member } from '../group/groupState'
import { deriveEpochKey } from '../group/keySchedule'
import { recordOwnCheckpoint } from '../group/vouching'
import { createSessionBook } from '../session/sessionBook'

export async function restore(
  state: EnclaveState,
  { checkpoint, signatures, snapshot }: EnclaveSchema['restore']['params'],
): Promise<EnclaveSchema['restore']['result']> {
  const group = bound(state)
  const secret = group.epochSecret
  if (group.root !== undefined) throw new GroupActionError('this enclave holds its state: there is nothing to restore')
  if (!secret) throw new GroupActionError('this enclave holds no epoch secret yet: a rekey must admit it first')
  if (checkpoint.seq !== group.seq || checkpoint.acc.toLowerCase() !== group.acc.toLowerCase())
    throw new GroupActionError(
      `the checkpoint is at input ${checkpoint.seq}; this enclave waits at input ${group.seq} for the one to restore from`,
    )
  checkVouched(group, checkpoint, signatures)
  if (snapshotHash(snapshot) !== checkpoint.snapshotHash.toLowerCase())
    throw new GroupActionError('the snapshot does not hash to the checkpoint’s snapshotHash')
  const { chainId, ledger, seq, acc } = group
  const plaintext = await decryptSnapshot(deriveEpochKey(secret, 'snapshot'), { chainId, ledger, seq, acc }, snapshot)
  const contents = decodeSnapshot(plaintext)
  if (contents.seq !== seq || contents.acc.toLowerCase() !== acc.toLowerCase())
    throw new GroupActionError('the snapshot was taken at another position than its checkpoint')

  // The core keeps its old (empty) state unless every section is canonical; a root mismatch puts it back.
  const previous = state.apps.exportSnapshot()
  if (state.apps.importSnapshot(contents.core) !== OK)
    throw new GroupActionError('the snapshot’s app state is malformed')
  if (stateRoot(deriveEpochKey(secret, 'leaf'), state.apps.exportLeaves()) !== checkpoint.stateRoot.toLowerCase()) {
    state.apps.importSnapshot(previous)
    throw new GroupActionError('the snapshot does not rebuild the checkpoint’s state root')
  }
  state.effects = contents.effects
  state.sessions = createSessionBook(group, state.effects)
  group.root = contents.root
  recordOwnCheckpoint(group, { seq, acc, stateRoot: checkpoint.stateRoot })
  return { seq, root: contents.root }
}

/**
 * Vouched for by the members that held the state: at least one member keyed into the previous epoch (a member
 * still) signed, and one of another operator than this enclave's own wherever such a voucher exists, so the host that
 * runs this enclave cannot vouch for its own joiner. Not a majority of them: a joiner cannot sign the state it lacks,
 * and with holders offline a majority may never come (the group must stay live; the liveness test has two of three
 * away). A wrong snapshot would need a broken enclave to sign it, and shows as a divergence at the next checkpoint.
 */
function checkVouched(group: GroupState, checkpoint: Checkpoint, signatures: CheckpointSignature[]): void {
  const own = ownMember(group)
  const vouchers = group.members.filter(
    (m) => m.admitted && group.previousEpochMembers.some((p) => isAddressEqual(p, m.signer)),
  )
  const digest = checkpointDigest(group, checkpoint)
  const signed = vouchers.filter((voucher) =>
    signatures.some(({ signer, signature }) => {
      const recovered = recoverEnclaveSigner(digest, signature)
      return recovered && isAddressEqual(recovered, signer) && isAddressEqual(signer, voucher.signer)
    }),
  )
  const foreign = (m: Member) => !own || !isAddressEqual(m.operator, own.operator)
  if (signed.length === 0 || (vouchers.some(foreign) && !signed.some(foreign)))
    throw new GroupActionError(
      `the checkpoint is not signed by a member that held the state${vouchers.some(foreign) ? ' under another operator' : ''} (${signed.length} of ${vouchers.length} signed)`,
    )
}
