/** The `bind` ECALL: ties a booted enclave to one deployment, fresh or from the blob it sealed on this machine. */
import type { EnclaveSchema } from '../../protocol'
import { refreshCommandKey, type EnclaveState } from '../enclaveState'
import { GroupActionError } from '../group/groupActions'
import { emptyGroupState } from '../group/groupState'
import { unsealState } from '../sealState'
import { createSessionBook } from '../session/sessionBook'

export async function bind(
  state: EnclaveState,
  { chainId, ledger, sealed }: EnclaveSchema['bind']['params'],
): Promise<EnclaveSchema['bind']['result']> {
  if (state.group) throw new GroupActionError('the enclave is already bound to a deployment')
  if (!sealed) {
    state.group = emptyGroupState(chainId, ledger, state.measurement)
    state.sessions = createSessionBook(state.group, state.effects)
    return null
  }
  const { group, effects, snapshot } = await unsealState(state.platform, sealed, chainId, ledger)
  if (state.apps.importSnapshot(snapshot) !== 0) throw new GroupActionError('the sealed application state is malformed')
  // Sealed under the measurement policy, so it was this measurement; taken from the launch all the same.
  group.measurement = state.measurement
  state.group = group
  state.effects = effects
  state.sessions = createSessionBook(group, effects)
  // Command keys are not sealed; derive the held epoch's now, before the first batch after a restart.
  await refreshCommandKey(state, group)
  return null
}
