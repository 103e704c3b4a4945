/**
 * A node's HTTP API on loopback (or where its operator binds it): relay a sealed command, relay an authenticated
 * read, report the node's position, serve checkpoints and push the inputs its enclave applied. Every body is
 * validated and size-limited, every client rate-limited; answers never carry plaintext of anyone's state. Browsers
 * reach it only from origins it was told to serve. Routes and their schemas are in nodeApiRoutes.ts.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { OpenAPIHono, type Hook } from '@hono/zod-openapi'
import { cors } from 'hono/cors'
import { hashTypedData, isAddressEqual, type Address } from 'viem'
import { checkpointTypedData } from '../../enclave-wasm/envelopes/checkpointTypes'
import { recoverEnclaveSigner } from '../../enclave-wasm/envelopes/recoverEnclaveSigner'
import { COMMAND_RECORD_BYTES, ENCLAVE_ERROR_CODES, SESSION_RECORD_BYTES } from '../../enclave-wasm/protocol'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { EnclaveRequestError } from '../errors/enclave'
import { LedgerPausedError } from '../errors/ledger'
import { RelayerQueueFullError } from '../errors/relayer'
import type { CheckpointExchange } from '../checkpoint/checkpointExchange'
import { checkpointToJson } from '../checkpoint/checkpointJson'
import { type AppliedSeqSource, createAppliedEvents } from './appliedEvents'
import type { Relayer } from './createRelayer'
import { HttpError, toHttpError } from './httpError'
import {
  checkpointRoute,
  commandsRoute,
  cosignRoute,
  eventsRoute,
  readsRoute,
  snapshotRoute,
  statusRoute,
} from './nodeApiRoutes'
import { answerHeaders, guardClients, type NodeApiEnv } from './requestGuards'

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
   * the CLI) are always served; a browser request from any other origin is refused 403. The allowed ones get CORS
   * answers, so a wallet page served elsewhere can read and send through this node (`anonify node --allow-origin`).
   */
  allowedOrigins?: ReadonlySet<string> | undefined
  /**
   * The node's checkpoint exchange, served so members without an API (browser tabs) can co-sign and any joiner can
   * fetch the checkpoint and the snapshot it restores from. Without it the checkpoint endpoints answer 404.
   */
  checkpoints?: { exchange: CheckpointExchange; chainId: bigint; ledger: Address } | undefined
  /** The seq the node's enclave has applied, pushed at GET /v1/events. Without it that endpoint answers 404. */
  applied?: AppliedSeqSource | undefined
}

export type NodeServer = { url: string; close: () => Promise<void> }

/** Open event streams: enough for every wallet of an operator, too few for a stranger to hold the node's sockets. */
const EVENT_STREAMS = { streams: 64, streamsPerClient: 8 }

const UNKNOWN_ENDPOINT = 'Unknown endpoint. Try POST /v1/commands, POST /v1/reads or GET /v1/status.'

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
    applied,
  } = parameters
  const events = createAppliedEvents(applied, EVENT_STREAMS)

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

  const app = new OpenAPIHono<NodeApiEnv>({ defaultHook: refuseWith('The request does not match its schema.') })
  // CORS only for the origins allowed: the guard has refused every other page (403) before a preflight is answered.
  const corsForAllowed = cors({
    origin: (origin) => (allowedOrigins.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['content-type'],
    maxAge: 600,
  })
  app.use(answerHeaders, guardClients({ allowedOrigins, trustLoopbackProxy, ratePerSecond }), corsForAllowed)
  app.notFound((c) => c.json({ error: UNKNOWN_ENDPOINT }, 404))
  app.onError((error, c) => {
    const refusal = toHttpError(error)
    return c.json({ error: refusal.message }, refusal.status)
  })

  app.openapi(commandsRoute, async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer())
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
      ? c.json({ accepted: true as const }, 202)
      : c.json({ accepted: false as const, error: 'The enclave refused the command.' }, 422)
  })

  app.openapi(
    readsRoute,
    async (c) => {
      const answer = await enclave.readAccount(c.req.valid('json')).catch(async (error: unknown) => {
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
      return c.json({ ...answer, seq: answer.seq.toString() }, 200)
    },
    refuseWith(
      'A read needs account (20 bytes), replyKey (32 bytes), requestNonce (32 bytes) and signature (65 bytes) as 0x-hex, and expiresAt (unix seconds) as a decimal string.',
    ),
  )

  app.openapi(statusRoute, async (c) => {
    const status = await enclave.getStatus()
    return c.json(
      {
        seq: status.seq.toString(),
        epoch: status.epoch.toString(),
        member: status.member,
        pending: relayer.pending(),
        pausedAt: relayer.pausedAt()?.toString() ?? null,
      },
      200,
    )
  })

  app.openapi(
    cosignRoute,
    async (c) => {
      const { checkpoint: json, signer, signature } = c.req.valid('json')
      const checkpoint = { ...json, seq: BigInt(json.seq) }
      const { chainId, ledger, members } = await memberFacts()
      const recovered = recoverEnclaveSigner(hashTypedData(checkpointTypedData(chainId, ledger, checkpoint)), signature)
      if (!recovered || !isAddressEqual(recovered, signer) || !members.some((m) => isAddressEqual(m, recovered)))
        throw new HttpError(403, "The signature is not a member enclave's over this checkpoint.")
      if (!(await exchangeOf().cosign(checkpoint, { signer, signature })))
        throw new HttpError(
          409,
          'This node holds no such checkpoint: its state at that input differs, or it has not reached it.',
        )
      return c.json({ cosigned: true as const }, 200)
    },
    refuseWith('A co-signature needs checkpoint (seq and five 32-byte hashes), signer and signature.'),
  )

  app.openapi(
    checkpointRoute,
    async (c) => {
      const { seq } = c.req.valid('param')
      const gathered = await exchangeOf().find(BigInt(seq))
      if (!gathered) throw new HttpError(404, `This node holds no checkpoint at input ${seq}.`)
      return c.json({ checkpoint: checkpointToJson(gathered.checkpoint), signatures: gathered.signatures }, 200)
    },
    refuseWith('A checkpoint is named by its input, a decimal seq.'),
  )

  app.openapi(
    snapshotRoute,
    async (c) => {
      const snapshot = await exchangeOf().snapshot(c.req.valid('param').hash)
      if (!snapshot) throw new HttpError(404, 'This node holds no snapshot with that hash.')
      return c.body(snapshot as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/octet-stream' })
    },
    refuseWith('A snapshot is named by its hash, 32 bytes of lowercase 0x-hex.'),
  )

  app.openapi(eventsRoute, (c) => events.open(c))

  app.doc('/v1/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'Anonify node API',
      version: '1',
      description: "A member node's relayer, authenticated reads, checkpoints and applied-input events.",
    },
  })

  // Our own node:http server, so a malformed request target gets a JSON refusal like every other one.
  const server: Server = createServer(
    getRequestListener(app.fetch, {
      errorHandler: () =>
        new Response(JSON.stringify({ error: "The request's target or Host header is malformed." }), {
          status: 400,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close' },
        }),
    }),
  )
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
    close: async () => {
      // An open event stream is an active response: the server would wait for it forever.
      await events.closeAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * A validation failure answers 400 with `message`, or with a refinement's own sentence when only refinements failed
 * (the shape was right but a value is unusable, like a low-order replyKey): never the validator's dump.
 */
function refuseWith<I, P extends string>(message: string): Hook<I, NodeApiEnv, P, undefined> {
  return (result) => {
    if (result.success) return
    const [first] = result.error.issues
    throw new HttpError(400, result.error.issues.every((issue) => issue.code === 'custom') ? first!.message : message)
  }
}
