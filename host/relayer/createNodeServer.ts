/**
 * A node's HTTP API on loopback (or where its operator binds it): relay a sealed command, relay an authenticated
 * read, and report the node's position. Every body is validated and size-limited, every client rate-limited;
 * answers never carry plaintext of anyone's state. Browsers reach it only from origins it was told to serve.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hashTypedData, isAddressEqual, type Address, type Hex } from 'viem'
import { checkpointTypedData } from '../../enclave-wasm/envelopes/checkpointTypes'
import { recoverEnclaveSigner } from '../../enclave-wasm/envelopes/recoverEnclaveSigner'
import { isValidX25519PublicKey } from '../../enclave-wasm/envelopes/x25519Key'
import { COMMAND_RECORD_BYTES, ENCLAVE_ERROR_CODES, SESSION_RECORD_BYTES } from '../../enclave-wasm/protocol'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { EnclaveCrashedError, EnclaveRequestError, EnclaveTimeoutError } from '../errors/enclave'
import { LedgerPausedError } from '../errors/ledger'
import { RelayerQueueFullError } from '../errors/relayer'
import type { CheckpointExchange } from '../checkpoint/checkpointExchange'
import { checkpointFromJson, checkpointToJson, signatureFromJson } from '../checkpoint/checkpointJson'
import { clientAddress } from './clientAddress'
import type { Relayer } from './createRelayer'
import { createRateLimiter } from './createRateLimiter'

export type CreateNodeServerParameters = {
  enclave: Pick<EnclaveClient, 'readAccount' | 'getStatus'>
  relayer: Relayer
  host?: string | undefined
  port?: number | undefined
  /** Requests per second each client address may make (with a burst of twice that). */
  ratePerSecond?: number | undefined
  /**
   * Behind a proxy on loopback (the Vite dev server of `anonify dev`): a request from a loopback address is rate-limited
   * by the client its `X-Forwarded-For` names, so every browser is not one client. Off by default: anyone could then
   * name any address.
   */
  trustLoopbackProxy?: boolean | undefined
  /**
   * Browser origins (`http://127.0.0.1:5173`) whose pages may call this API, read on every request so a caller may
   * add one it learns later (`anonify dev` adds its web app's once Vite listens). Requests without an Origin (curl,
   * the CLI) are always served; a browser request from any other origin is refused 403.
   */
  allowedOrigins?: ReadonlySet<string> | undefined
  /**
   * The node's checkpoint exchange, served so members without an API (browser tabs) can co-sign and any joiner can
   * fetch the checkpoint and the snapshot it restores from. Without it the checkpoint endpoints answer 404.
   */
  checkpoints?: { exchange: CheckpointExchange; chainId: bigint; ledger: Address } | undefined
}

export type NodeServer = { url: string; close: () => Promise<void> }

const MAX_JSON_BYTES = 1024

type Route = (request: IncomingMessage) => Promise<{ status: number; body: unknown; bytes?: Uint8Array }>

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
  const {
    enclave,
    relayer,
    host = '127.0.0.1',
    port = 0,
    ratePerSecond = 20,
    trustLoopbackProxy = false,
    allowedOrigins = new Set(),
    checkpoints,
  } = parameters
  const limiter = createRateLimiter({ ratePerSecond })

  const routes: Record<string, Route> = {
    'POST /v1/commands': async (request) => {
      requireContentType(request, 'application/octet-stream')
      const body = await readBody(request, COMMAND_RECORD_BYTES)
      if (body.byteLength !== COMMAND_RECORD_BYTES && body.byteLength !== SESSION_RECORD_BYTES)
        throw new HttpError(
          400,
          `A command record is exactly ${COMMAND_RECORD_BYTES} bytes (sealed) or ${SESSION_RECORD_BYTES} bytes (session).`,
        )
      const accepted = await relayer.accept(body).catch((error: unknown) => {
        if (error instanceof RelayerQueueFullError || error instanceof LedgerPausedError)
          throw new HttpError(503, error.shortMessage)
        throw error
      })
      // One answer for every refusal: the relayer cannot tell a bad signature from a stale epoch, and neither can you.
      return accepted
        ? { status: 202, body: { accepted: true } }
        : { status: 422, body: { accepted: false, error: 'The enclave refused the command.' } }
    },
    'POST /v1/reads': async (request) => {
      // Only JSON: a cross-origin page can send text/plain or a form without asking; JSON needs a preflight we refuse.
      requireContentType(request, 'application/json')
      const value = parseJson(await readBody(request, MAX_JSON_BYTES))
      const { account, replyKey, expiresAt, requestNonce, signature } = (
        typeof value === 'object' && value !== null ? value : {}
      ) as Record<string, unknown>
      if (
        !isHex(account, 20) ||
        !isHex(replyKey, 32) ||
        !isHex(requestNonce, 32) ||
        !isHex(signature, 65) ||
        typeof expiresAt !== 'string' ||
        !/^\d{1,20}$/.test(expiresAt)
      )
        throw new HttpError(
          400,
          'A read needs account (20 bytes), replyKey (32 bytes), requestNonce (32 bytes) and signature (65 bytes) as 0x-hex, and expiresAt (unix seconds) as a decimal string.',
        )
      if (!isValidX25519PublicKey(replyKey))
        throw new HttpError(400, 'The replyKey is not a usable X25519 public key (low-order or non-canonical).')
      const read = { account, replyKey, expiresAt: BigInt(expiresAt), requestNonce, signature }
      const answer = await enclave.readAccount(read).catch(async (error: unknown) => {
        if (!(error instanceof EnclaveRequestError) || error.code !== ENCLAVE_ERROR_CODES.rejected) throw error
        const status = await enclave.getStatus()
        if (!status.bound)
          throw new HttpError(503, "The node's enclave has not joined its deployment yet; retry shortly.")
        if (status.restoring)
          throw new HttpError(503, `The node is restoring from a checkpoint at input ${status.seq}; retry shortly.`)
        if (!status.signer)
          throw new HttpError(503, "The node's enclave has no registered key yet to sign replies with; retry shortly.")
        throw new HttpError(
          403,
          "The enclave refused the read: the signature is not the account's, or the read key expired.",
        )
      })
      return { status: 200, body: { ...answer, seq: answer.seq.toString() } }
    },
    'POST /v1/checkpoints': async (request) => {
      requireContentType(request, 'application/json')
      const value = parseJson(await readBody(request, MAX_JSON_BYTES)) as Record<string, unknown> | null
      const checkpoint = checkpointFromJson(value?.checkpoint)
      const signature = signatureFromJson(value)
      if (!checkpoint || !signature)
        throw new HttpError(400, 'A co-signature needs checkpoint (seq and five 32-byte hashes), signer and signature.')
      const { chainId, ledger, members } = await memberFacts()
      const recovered = recoverEnclaveSigner(
        hashTypedData(checkpointTypedData(chainId, ledger, checkpoint)),
        signature.signature,
      )
      if (
        !recovered ||
        !isAddressEqual(recovered, signature.signer) ||
        !members.some((m) => isAddressEqual(m, recovered))
      )
        throw new HttpError(403, "The signature is not a member enclave's over this checkpoint.")
      if (!(await exchangeOf().cosign(checkpoint, signature)))
        throw new HttpError(
          409,
          'This node holds no such checkpoint: its state at that input differs, or it has not reached it.',
        )
      return { status: 200, body: { cosigned: true } }
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
          // The divergent seq while the Ledger is paused (commands are refused 503), else null.
          pausedAt: relayer.pausedAt()?.toString() ?? null,
        },
      }
    },
  }

  const exchangeOf = (): CheckpointExchange => {
    if (!checkpoints) throw new HttpError(404, 'This node does not serve checkpoints.')
    return checkpoints.exchange
  }
  // The deployment and the member list as this node's enclave has applied them: whom a co-signature may come from.
  const memberFacts = async () => {
    const { chainId, ledger } = checkpoints ?? {}
    if (chainId === undefined || !ledger) throw new HttpError(404, 'This node does not serve checkpoints.')
    return { chainId, ledger, members: (await enclave.getStatus()).members }
  }
  /** GET /v1/checkpoints/SEQ and GET /v1/snapshots/HASH. */
  const pathRoute = (path: string): Route | undefined => {
    const seq = /^\/v1\/checkpoints\/(\d{1,20})$/.exec(path)?.[1]
    if (seq !== undefined)
      return async () => {
        const gathered = await exchangeOf().find(BigInt(seq))
        if (!gathered) throw new HttpError(404, `This node holds no checkpoint at input ${seq}.`)
        return {
          status: 200,
          body: { checkpoint: checkpointToJson(gathered.checkpoint), signatures: gathered.signatures },
        }
      }
    const hash = /^\/v1\/snapshots\/(0x[0-9a-f]{64})$/.exec(path)?.[1]
    if (hash !== undefined)
      return async () => {
        const snapshot = await exchangeOf().snapshot(hash as Hex)
        if (!snapshot) throw new HttpError(404, 'This node holds no snapshot with that hash.')
        return { status: 200, body: undefined, bytes: snapshot }
      }
    return undefined
  }

  const server: Server = createServer((request, response) => {
    void handle(request, response)
  })
  async function handle(request: IncomingMessage, response: ServerResponse) {
    const send = (status: number, body: unknown) => {
      // Refused before its body was read: close, so a keep-alive client does not reuse a socket we abandon.
      const connection = request.complete ? {} : { connection: 'close' }
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...connection })
      response.end(JSON.stringify(body))
    }
    try {
      refuseForeignBrowser(request, allowedOrigins)
      if (!limiter.allow(clientAddress(request, trustLoopbackProxy)))
        throw new HttpError(429, 'Too many requests; slow down.')
      const path = (request.url ?? '').split('?')[0] ?? ''
      const route = routes[`${request.method} ${path}`] ?? (request.method === 'GET' ? pathRoute(path) : undefined)
      if (!route) throw new HttpError(404, 'Unknown endpoint. Try POST /v1/commands, POST /v1/reads or GET /v1/status.')
      const { status, body, bytes } = await route(request)
      if (bytes) {
        response.writeHead(status, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' })
        response.end(bytes)
      } else send(status, body)
    } catch (error) {
      const refusal = toHttpError(error)
      send(refusal.status, { error: refusal.message })
    }
  }

  // An 'error' event without a listener would end the process (a port in use on a member's restart).
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
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

function requireContentType(request: IncomingMessage, expected: string): void {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (type !== expected) throw new HttpError(415, `Send the body as ${expected}.`)
}

/** Refusals keep their status; an enclave that is gone or busy is unavailable (503), not a refusal of the request. */
function toHttpError(error: unknown): HttpError {
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
