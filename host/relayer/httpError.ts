/** The node API's refusals: a status and one sentence for the client, never a stack trace or a validator's dump. */
import { ENCLAVE_ERROR_CODES } from '../../enclave-wasm/protocol'
import { EnclaveCrashedError, EnclaveRequestError, EnclaveTimeoutError } from '../errors/enclave'

export class HttpError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503,
    message: string,
  ) {
    super(message)
  }
}

/** Refusals keep their status; an enclave that is gone or busy is unavailable (503), not a refusal of the request. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error
  if (error instanceof EnclaveCrashedError)
    return new HttpError(503, "The node's enclave is not running; it restarts from its sealed state. Retry shortly.")
  if (error instanceof EnclaveTimeoutError) return new HttpError(503, "The node's enclave is busy; retry shortly.")
  if (error instanceof EnclaveRequestError && error.code === ENCLAVE_ERROR_CODES.invalidRequest)
    return new HttpError(400, 'The enclave refused a malformed request.')
  // The routes answer every refusal of the request itself; an enclave that still says no cannot serve yet (unbound).
  if (error instanceof EnclaveRequestError)
    return new HttpError(503, "The node's enclave cannot serve this yet; retry shortly.")
  return new HttpError(500, 'The node failed to handle the request.')
}
