/** Tells a chain failure that may pass by itself from one that retrying only repeats. */
import {
  BaseError,
  HttpRequestError,
  LimitExceededRpcError,
  ResourceUnavailableRpcError,
  SocketClosedError,
  TimeoutError,
} from 'viem'
import { EnclaveTimeoutError } from '../errors/enclave'

/** HTTP statuses of an overloaded or restarting endpoint. */
const TRANSIENT_HTTP_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504]

/**
 * True when `error` (or its cause) is no answer at all (connection refused or reset, timeout), an overloaded endpoint
 * (HTTP 429/5xx, JSON-RPC "limit exceeded" or "resource unavailable") or a busy enclave. Everything else — a revert,
 * an invalid opcode, a method the node does not serve, a rejected transaction — fails the same way next time.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof EnclaveTimeoutError) return true
  if (!(error instanceof BaseError)) return false
  const transient = error.walk(
    (e: unknown) =>
      (e instanceof HttpRequestError && (e.status === undefined || TRANSIENT_HTTP_STATUSES.includes(e.status))) ||
      e instanceof TimeoutError ||
      e instanceof SocketClosedError ||
      e instanceof LimitExceededRpcError ||
      e instanceof ResourceUnavailableRpcError,
  )
  return transient !== null
}
