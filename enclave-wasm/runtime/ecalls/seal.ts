/** The `seal` ECALL: the whole state, sealed to this machine and measurement, for the host to store. */
import type { EnclaveSchema } from '../../protocol'
import { bound, type EnclaveState } from '../enclaveState'
import { sealState } from '../sealState'

export async function seal(state: EnclaveState): Promise<EnclaveSchema['seal']['result']> {
  const group = bound(state)
  return { blob: await sealState(state.platform, group, state.effects, state.apps.exportSnapshot()), seq: group.seq }
}
