/** Errors of the enclave client: the boundary's error codes rebuilt as classes (structured clone drops them). */
import { ENCLAVE_ERROR_CODES, type EnclaveErrorCode, type EnclaveErrorData } from '../../enclave-wasm/protocol'
import { AnonifyError } from './base'

/** The enclave answered a request with an error. `code` is the boundary's error code. */
export class EnclaveRequestError extends AnonifyError {
  override name = 'EnclaveRequestError' as const
  readonly code: EnclaveErrorCode
  constructor({ code, message }: EnclaveErrorData, method: string) {
    super(`The enclave rejected ${method}: ${message}`, { metaMessages: [remedies[code]] })
    this.code = code
  }
}

/** The Worker died or was terminated; every pending request fails with this and the client is unusable. */
export class EnclaveCrashedError extends AnonifyError {
  override name = 'EnclaveCrashedError' as const
  constructor({ reason }: { reason: string }) {
    super(`The enclave stopped: ${reason}.`, {
      metaMessages: ['Start a new enclave instance; it recovers from its sealed state and the chain.'],
    })
  }
}

/** The enclave did not answer in time. */
export class EnclaveTimeoutError extends AnonifyError {
  override name = 'EnclaveTimeoutError' as const
  constructor({ method, timeoutMs }: { method: string; timeoutMs: number }) {
    super(`The enclave did not answer ${method} within ${timeoutMs} ms.`, {
      metaMessages: ['The Worker may be busy replaying; retry, or restart it if it stays silent.'],
    })
  }
}

/** The loader refused the enclave image or the Worker failed to boot. */
export class EnclaveBootError extends AnonifyError {
  override name = 'EnclaveBootError' as const
  constructor({ cause }: { cause: unknown }) {
    super('The enclave did not start.', {
      metaMessages: ['Rebuild the image with `npm run build:enclave` and check the details below.'],
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
    })
  }
}

const remedies: Record<EnclaveErrorCode, string> = {
  [ENCLAVE_ERROR_CODES.invalidRequest]: 'The host sent a malformed request; this is a host bug.',
  [ENCLAVE_ERROR_CODES.unknownMethod]: 'Host and enclave disagree on the ECALL table; rebuild both.',
  [ENCLAVE_ERROR_CODES.notBooted]: 'Wait for the enclave to boot before sending requests.',
  [ENCLAVE_ERROR_CODES.bootFailed]: 'Rebuild the enclave image with `npm run build:enclave`.',
  [ENCLAVE_ERROR_CODES.protocolMismatch]: 'Rebuild so host and enclave share one PROTOCOL_VERSION.',
  [ENCLAVE_ERROR_CODES.internal]: 'The enclave discarded this instance; start a new one.',
  [ENCLAVE_ERROR_CODES.rejected]: 'The enclave refused it in its current state; its state is unchanged.',
}
