/** Errors of talking to a node's HTTP API: it refused the request (4xx), or it cannot serve right now (5xx, down). */
import { AnonifyError } from './base'

/** The node understood the request and refused it; sending it again unchanged will not help. */
export class NodeRequestError extends AnonifyError {
  override name = 'NodeRequestError' as const
  constructor({ url, status, message }: { url: string; status: number; message: string }) {
    super(`The node at ${url} refused the request (${status}): ${message}`, {
      metaMessages: ['Check the request; the node answered, so it is running.'],
    })
  }
}

/** The node could not be reached, or its enclave is restarting or busy (503); the same request may succeed later. */
export class NodeUnavailableError extends AnonifyError {
  override name = 'NodeUnavailableError' as const
  constructor({
    url,
    status,
    message,
    cause,
  }: { url: string; status?: number | undefined; message: string; cause?: unknown }) {
    super(`The node at ${url} ${status ? `is unavailable (${status}): ${message}` : `is unreachable: ${message}`}`, {
      metaMessages: [
        'Retry in a few seconds. Check --node (default http://127.0.0.1:8547) and that `anonify node` or `npm start` is running.',
      ],
      cause,
    })
  }
}

/** A supervised member kept crashing; it was left stopped so a broken state does not loop forever. */
export class MemberRestartLimitError extends AnonifyError {
  override name = 'MemberRestartLimitError' as const
  constructor({ restarts, windowMs, cause }: { restarts: number; windowMs: number; cause: unknown }) {
    super(`The member node crashed again after ${restarts} restart(s) within ${windowMs / 1000} s; it stays stopped.`, {
      metaMessages: ['The chain and the web app keep running. Read the errors above, then start the member again.'],
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
    })
  }
}
