/** ECALL dispatch: one handler per method of the schema in protocol.ts, checked exhaustively. */
import { PROTOCOL_VERSION, type EnclaveRequest, type EnclaveSchema, type EnclaveStatus, type Hex } from '../protocol'
import type { CoreExports } from './coreExports'

/** What a booted enclave holds. Lives only inside the Worker. */
export type EnclaveState = {
  core: CoreExports
  /** Handed over by the platform loader at boot; reported, never computed, by the enclave. */
  measurement: Hex
}

/** Runs one validated request against the booted enclave. */
export function dispatch(state: EnclaveState, request: EnclaveRequest): EnclaveSchema[typeof request.method]['result'] {
  switch (request.method) {
    case 'getStatus':
      return getStatus(state)
    default: {
      const unreachable: never = request.method
      throw new Error(`unhandled method ${String(unreachable)}`)
    }
  }
}

function getStatus(state: EnclaveState): EnclaveStatus {
  return {
    booted: true,
    protocolVersion: PROTOCOL_VERSION,
    coreAbiVersion: state.core.coreAbiVersion(),
    measurement: state.measurement,
    platform: 'simulation',
  }
}
