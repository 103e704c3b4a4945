/** Which client a request to the node API counts as, for rate limits: its socket, or the one a trusted proxy names. */
import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'

// The proxy's own addresses: a dev server on 127.0.0.1 or ::1 connects from the same one.
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

/**
 * The socket's address; with `trustLoopbackProxy`, for a request that came from loopback, the last address of
 * `X-Forwarded-For` instead: the one the proxy itself appended (earlier entries are whatever the client wrote).
 */
export function clientAddress(request: IncomingMessage, trustLoopbackProxy: boolean): string {
  const socket = request.socket.remoteAddress ?? 'unknown'
  if (!trustLoopbackProxy || !LOOPBACK.has(socket)) return socket
  const header = request.headers['x-forwarded-for']
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').at(-1)?.trim() ?? ''
  return isIP(forwarded) ? forwarded : socket
}
