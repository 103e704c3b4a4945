/**
 * What every node API request meets before its route does any work: who may call (browser origins), how often
 * (per client address), and what a body may be (its type, its size while it is read, JSON that parses).
 */
import type { IncomingMessage } from 'node:http'
import type { HttpBindings } from '@hono/node-server'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { clientAddress } from './clientAddress'
import { createRateLimiter } from './createRateLimiter'
import { HttpError } from './httpError'

/** The Node request behind each Hono one (for socket addresses), and the client address the guard settled on. */
export type NodeApiEnv = { Bindings: HttpBindings; Variables: { client: string } }

/** Outermost: every answer, refusals included, is never cached, and one sent before its body was read ends the socket. */
export const answerHeaders = createMiddleware<NodeApiEnv>(async (c, next) => {
  await next()
  c.res.headers.set('cache-control', 'no-store')
  // So a keep-alive client does not reuse a socket whose unread body we abandon.
  if (!c.env.incoming.complete) c.res.headers.set('connection', 'close')
})

export type GuardClientsParameters = {
  allowedOrigins: ReadonlySet<string>
  trustLoopbackProxy: boolean
  ratePerSecond: number
}

/** Refuses foreign browser pages (403) and clients over their rate (429); sets `client` for the routes. */
export function guardClients({ allowedOrigins, trustLoopbackProxy, ratePerSecond }: GuardClientsParameters) {
  const limiter = createRateLimiter({ ratePerSecond })
  return createMiddleware<NodeApiEnv>(async (c, next) => {
    refuseForeignBrowser(c.env.incoming, allowedOrigins)
    const client = clientAddress(c.env.incoming, trustLoopbackProxy)
    if (!limiter.allow(client)) throw new HttpError(429, 'Too many requests; slow down.')
    c.set('client', client)
    await next()
  })
}

/**
 * A route's body must be of `type` (415), at most `maxBytes` (413, refused while it is read, never buffered whole) and,
 * for JSON, parse (400): parsed here so malformed JSON gets this sentence, and the route's validator reuses the text.
 */
export function requireBody(type: 'application/json' | 'application/octet-stream', maxBytes: number) {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError(413, `The body is larger than ${maxBytes} bytes.`)
    },
  })
  return createMiddleware<NodeApiEnv>(async (c, next) => {
    // Only JSON for JSON: a cross-origin page can send text/plain or a form without asking; JSON needs a preflight.
    if (c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() !== type)
      throw new HttpError(415, `Send the body as ${type}.`)
    await limit(c, async () => {
      if (type === 'application/json')
        await c.req.json().catch(() => {
          throw new HttpError(400, 'The body is not JSON.')
        })
      await next()
    })
  })
}

/**
 * A browser names the page that sent a request in `Origin` (on every POST, and on cross-origin GETs from fetch) and
 * in `Sec-Fetch-Site` (on everything, <img> tags included). Refused unless the origin was allowed: another port of
 * 127.0.0.1 is the same site but not the same origin, so `same-site` is refused too. The Vite proxy of `anonify dev`
 * forwards both headers unchanged (its `changeOrigin` rewrites only Host), which is why dev allows its own origin.
 */
function refuseForeignBrowser(request: IncomingMessage, allowedOrigins: ReadonlySet<string>): void {
  const origin = request.headers.origin
  if (origin !== undefined) {
    if (!allowedOrigins.has(origin))
      throw new HttpError(403, 'Requests from this web page are not served by this node.')
    return
  }
  const site = request.headers['sec-fetch-site']
  if (site !== undefined && site !== 'none' && site !== 'same-origin')
    throw new HttpError(403, 'Cross-site requests are not served by this node.')
}
