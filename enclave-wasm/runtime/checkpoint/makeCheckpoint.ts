/**
 * A checkpoint of this enclave's state at its current position: the state root over per-account leaves, the
 * encrypted snapshot and its hash, signed (EIP-712) by the enclave's key as the Ledger's Checkpoints contract checks.
 */
import { hashTypedData, isAddressEqual, type Hex } from 'viem'
import { serializeSignature, sign } from 'viem/accounts'
import type { SignedCheckpoint } from '../../protocol'
import { checkpointTypedData, type Checkpoint } from '../../envelopes/checkpointTypes'
import type { EnclaveState } from '../enclaveState'
import { ZERO_HASH, type GroupState } from '../group/groupState'
import { deriveEpochKey } from '../group/keySchedule'
import { recordOwnCheckpoint } from '../group/vouching'
import { encodeSnapshot } from './snapshotContents'
import { encryptSnapshot, snapshotHash } from './snapshotCipher'
import { stateRoot } from './stateRoot'

/** The EIP-712 digest members sign for `checkpoint` (Checkpoints.checkpointDigest). */
export function checkpointDigest(group: Pick<GroupState, 'chainId' | 'ledger'>, checkpoint: Checkpoint): Hex {
  return hashTypedData(checkpointTypedData(group.chainId, group.ledger, checkpoint))
}

/** This enclave vouches for its state: it holds the root, the epoch secret, and is a member. */
export function canCheckpoint(group: GroupState): boolean {
  const identity = group.identity
  return (
    group.root !== undefined &&
    group.epochSecret !== undefined &&
    identity !== undefined &&
    group.members.some((m) => isAddressEqual(m.signer, identity.signer))
  )
}

export async function makeCheckpoint(state: EnclaveState, group: GroupState): Promise<SignedCheckpoint> {
  const { chainId, ledger, seq, acc, root, epochSecret, identity } = group
  if (!canCheckpoint(group) || !root || !epochSecret || !identity) throw new Error('no state to checkpoint')
  const plaintext = encodeSnapshot(
    { seq, acc, root, core: state.apps.exportSnapshot(), effects: state.effects },
    group.epoch,
  )
  const snapshot = await encryptSnapshot(
    deriveEpochKey(epochSecret, 'snapshot'),
    { chainId, ledger, seq, acc },
    plaintext,
  )
  plaintext.fill(0)
  const checkpoint: Checkpoint = {
    seq,
    acc,
    stateRoot: stateRoot(deriveEpochKey(epochSecret, 'leaf'), state.apps.exportLeaves()),
    snapshotHash: snapshotHash(snapshot),
    withdrawalRoot: ZERO_HASH,
    auditRoot: ZERO_HASH,
  }
  const signature = serializeSignature(
    await sign({ hash: checkpointDigest(group, checkpoint), privateKey: identity.signerKey }),
  )
  recordOwnCheckpoint(group, { seq, acc, stateRoot: checkpoint.stateRoot })
  return { checkpoint, signer: identity.signer, signature, snapshot }
}
