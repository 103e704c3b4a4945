/**
 * Restoring: an enclave that joined late (or whose node lost its data dir) waits, holding the epoch that admitted it,
 * at the checkpoint position where that epoch began. This finds the checkpoint there and its snapshot in the
 * exchange and hands both to the enclave, which checks everything itself; until then the node says so and the
 * enclave shows no state.
 */
import type { EnclaveStatus } from '../../../enclave-wasm/protocol'
import type { CheckpointExchange } from '../../checkpoint/checkpointExchange'
import type { Duty, DutyContext } from './dutyContext'

export function createRestoreFromCheckpoint(context: DutyContext, exchange: CheckpointExchange): Duty {
  const { enclave, onEvent, save, follow } = context
  return async (status: EnclaveStatus) => {
    if (!status.restoring || !status.holdsEpoch) return status
    const gathered = await exchange.find(status.seq)
    if (!gathered) {
      onEvent?.({ type: 'restoring', seq: status.seq, stage: 'waiting for the checkpoint' })
      return status
    }
    onEvent?.({ type: 'restoring', seq: status.seq, stage: 'fetching the snapshot' })
    const snapshot = await exchange.snapshot(gathered.checkpoint.snapshotHash)
    if (!snapshot) {
      onEvent?.({ type: 'restoring', seq: status.seq, stage: 'waiting for the snapshot' })
      return status
    }
    onEvent?.({
      type: 'restoring',
      seq: status.seq,
      stage: `importing ${snapshot.byteLength.toLocaleString('en')} bytes`,
    })
    await enclave.restore({ checkpoint: gathered.checkpoint, signatures: gathered.signatures, snapshot })
    await save()
    onEvent?.({ type: 'restored', seq: status.seq })
    // What came after the checkpoint, now that there is state to apply it to.
    return follow()
  }
}
