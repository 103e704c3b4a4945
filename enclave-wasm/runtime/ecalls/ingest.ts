/** The `ingest` ECALL: applies Ledger inputs in order, each whole or not at all. */
import {
  COMMAND_RECORD_BYTES,
  INPUT_KIND,
  SESSION_RECORD_BYTES,
  type EnclaveSchema,
  type LedgerInput,
} from '../../protocol'
import { applyWholeOrNothing } from '../applyWholeOrNothing'
import { canCheckpoint, makeCheckpoint } from '../checkpoint/makeCheckpoint'
import { bound, refreshCommandKey, type EnclaveState } from '../enclaveState'
import { applyInput } from '../group/applyInput'
import { isCheckpointPosition, MAX_HELD_CHECKPOINTS } from '../checkpoint/schedule'
import type { GroupState } from '../group/groupState'
import { InputRejectedError } from '../group/inputRejectedError'
import { applyCommandBatch } from '../ledger/applyCommandBatch'
import { applyIssuerGrant } from '../ledger/applyIssuerGrant'
import { applySessionBatch } from '../ledger/applySessionBatch'

export async function ingest(
  state: EnclaveState,
  { inputs }: EnclaveSchema['ingest']['params'],
): Promise<EnclaveSchema['ingest']['result']> {
  const group = bound(state)
  const sessions = state.sessions!
  for (const input of inputs) {
    // It waits where the epoch that admitted it began: the snapshot it restores from is the checkpoint there, so
    // going past it would lose the state. The host sees `restoring` with `holdsEpoch` and restores.
    if (awaitingRestore(group)) break
    const epoch = group.epoch
    await applyWholeOrNothing(group, input, async () => {
      await applyInput(group, input, async ({ kind, seq, payload }) => {
        const { receipts, history } = state.effects
        const context = { core: state.apps, receipts, history, seq, sessions }
        if (kind === INPUT_KIND.identityIssuerGranted) return applyIssuerGrant(context, input)
        refuseUnframedBatch(input)
        if (kind === INPUT_KIND.sessionBatch) return applySessionBatch(context, payload)
        const keys = {
          chainId: group.chainId,
          ledger: group.ledger,
          commandKeyOf: (epoch: number) => state.commandKeys.get(epoch),
        }
        return applyCommandBatch({ ...context, ...keys }, payload)
      })
      await refreshCommandKey(state, group)
    })
    if (isCheckpointPosition(group, input, epoch) && canCheckpoint(group)) {
      state.checkpoints.push(await makeCheckpoint(state, group))
      // The host takes them after each call; one that never does keeps only the latest few.
      if (state.checkpoints.length > MAX_HELD_CHECKPOINTS) state.checkpoints.shift()
    }
  }
  return { seq: group.seq }
}

/** A restoring enclave that holds the epoch that admitted it waits where that epoch began (a checkpoint position). */
function awaitingRestore(group: GroupState): boolean {
  return group.root === undefined && group.epochSecret !== undefined
}

/**
 * A batch is its block number (u64) then one or more whole records, as the Ledger emits it. Checked before anything
 * is applied, so a host that forges a short payload under a matching accumulator is refused instead of breaking the
 * replay.
 */
function refuseUnframedBatch({ seq, kind, payload }: LedgerInput): void {
  const recordBytes = kind === INPUT_KIND.sessionBatch ? SESSION_RECORD_BYTES : COMMAND_RECORD_BYTES
  if (payload.byteLength < 8 + recordBytes || (payload.byteLength - 8) % recordBytes !== 0)
    throw new InputRejectedError(`input ${seq} is not a block number and one or more ${recordBytes}-byte records`)
}
