/**
 * A node's HTTP API on loopback (or where its operator binds it): relay a sealed command, relay an authenticated
 * read, and report the node's position. Every body is validated and size-limited, every client rate-limited;
 * answers never carry plaintext of anyone's state.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { COMMAND_RECORD_BYTES, SESSION_RECORD_BYTES } from '../../enclave-wasm/protocol'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import type { Relayer } from './createRelayer'

export type CreateNodeServerParameters = {
  enclave: Pick<EnclaveClient, 'readAccount' | 'getStatus'>
  relayer: Relayer
  host?: string | undefined
  port?: number | undefined
  /** Requests per second each client address may make (with a burst of twice that). */
  ratePerSecond?: number | undefined
}

export type NodeServer = { url: string; close: () => Promise<void> }

const MAX_JSON_BYTES = 1024

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/**
 * @example
 * const server = await createNodeServer({ enclave, relayer, port: 8547 })
 */
export async function createNodeServer(parameters: CreateNodeServerParameters): Promise<NodeServer> {
  const { enclave, relayer, host = '127.0.0.1', port = 0, ratePerSecond = 20 } = parameters
  const buckets = new Map<string, { tokens: number; at: number }>()
  const allow = (client: string) => {
    const now = Date.now()
    const bucket = buckets.get(client) ?? { tokens: ratePerSecond * 2, at: now }
    bucket.tokens = Math.min(ratePerSecond * 2, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond)
    bucket.at = now
    buckets.set(client, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  const routes: Record<string, (request: IncomingMessage) => Promise<{ status: number; body: unknown }>> = {
    'POST /v1/commands': async (request) => {
      const body = await readBody(request, COMMAND_RECORD_BYTES)
      if (body.byteLength !== COMMAND_RECORD_BYTES && body.byteLength !== SESSION_RECORD_BYTES)
        throw new HttpError(
          400,
          `A command record is exactly ${COMMAND_RECORD_BYTES} bytes (sealed) or ${SESSION_RECORD_BYTES} bytes (session).`,
        )
      const accepted = await relayer.accept(body)
      // One answer for every refusal: the relayer cannot tell a bad signature from a stale epoch, and neither can you.
      return accepted
        ? { status: 202, body: { accepted: true } }
        : { status: 422, body: { accepted: false, error: 'The enclave refused the command.' } }
    },
    'POST /v1/reads': async (request) => {
      const value = parseJson(await readBody(request, MAX_JSON_BYTES))
      const { account, replyKey, signature } = value as Record<string, unknown>
      if (!isHex(account, 20) || !isHex(replyKey, 32) || !isHex(signature, 65))
        throw new HttpError(
          400,
          'A read needs account (20 bytes), replyKey (32 bytes) and signature (65 bytes) as 0x-hex.',
        )
      const { reply } = await enclave.readAccount({ account, replyKey, signature }).catch(() => {
        throw new HttpError(403, "The enclave refused the read: the signature is not the account's.")
      })
      return { status: 200, body: { reply } }
    },
    'GET /v1/status': async () => {
      const status = await enclave.getStatus()
      return {
        status: 200,
        body: {
          seq: status.seq.toString(),
          epoch: status.epoch.toString(),
          member: status.member,
          pending: relayer.pending(),
        },
      }
    },
  }

  const server: Server = createServer((request, response) => {
    void handle(request, response)
  })
  async function handle(request: IncomingMessage, response: ServerResponse) {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(JSON.stringify(body))
    }
    try {
      if (!allow(request.socket.remoteAddress ?? 'unknown')) throw new HttpError(429, 'Too many requests; slow down.')
      const route = routes[`${request.method} ${(request.url ?? '').split('?')[0]}`]
      if (!route) throw new HttpError(404, 'Unknown endpoint. Try POST /v1/commands, POST /v1/reads or GET /v1/status.')
      const { status, body } = await route(request)
      send(status, body)
    } catch (error) {
      if (error instanceof HttpError) send(error.status, { error: error.message })
      else send(500, { error: 'The node failed to handle the request.' })
    }
  }

  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  const address = server.address() as AddressInfo
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Reads at most `limit` bytes; a longer body is refused before it is buffered whole. */
async function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength
    if (size > limit) throw new HttpError(413, `The body is larger than ${limit} bytes.`)
    chunks.push(chunk as Buffer)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    throw new HttpError(400, 'The body is not JSON.')
  }
}

function isHex(value: unknown, bytes: number): value is `0x${string}` {
  return typeof value === 'string' && value.length === 2 + 2 * bytes && /^0x[0-9a-fA-F]*$/.test(value)
}
