/** The `takeCheckpoints` ECALL: hands the host the checkpoints made since the last call, and forgets them. */
import type { EnclaveSchema } from '../../protocol'
import { bound, type EnclaveState } from '../enclaveState'

export function takeCheckpoints(state: EnclaveState): EnclaveSchema['takeCheckpoints']['result'] {
  bound(state)
  return { checkpoints: state.checkpoints.splice(0) }
}
