/**
 * The node API's routes, each declared once: its method and path, the guard and zod schema its body or path
 * parameters pass before the handler runs, and its answers. Together they are the OpenAPI document the node serves
 * at GET /v1/openapi.json; a new endpoint is one more route here and its handler in createNodeServer.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Hex } from 'viem'
import { isValidX25519PublicKey } from '../../enclave-wasm/envelopes/x25519Key'
import { COMMAND_RECORD_BYTES, SESSION_RECORD_BYTES } from '../../enclave-wasm/protocol'
import { requireBody } from './requestGuards'

/** Largest JSON body a route takes: a read or a co-signature is a few hundred bytes. */
const MAX_JSON_BYTES = 1024

/** `bytes` bytes as 0x-hex, either case. */
const hexBytes = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-fA-F]{${2 * bytes}}$`))
    .transform((hex) => hex as Hex)

/** An input's position on the Ledger, as a decimal string (JSON has no 64-bit integers). */
const seqSchema = z.string().regex(/^\d{1,20}$/)

/** The body of POST /v1/reads (envelopes/accountRead.ts). */
export const readRequestSchema = z
  .object({
    account: hexBytes(20).openapi({ description: 'The account to read (an address).' }),
    replyKey: hexBytes(32)
      .refine(isValidX25519PublicKey, 'The replyKey is not a usable X25519 public key (low-order or non-canonical).')
      .openapi({ description: "The X25519 public key the enclave encrypts its reply to; the caller's own." }),
    expiresAt: seqSchema
      .transform((value) => BigInt(value))
      .openapi({ description: 'When the signed read key expires, in unix seconds (a decimal string).' }),
    requestNonce: hexBytes(32).openapi({ description: 'Fresh for each read: the reply must answer it.' }),
    signature: hexBytes(65).openapi({
      description: "The account's EIP-712 Read signature over account, replyKey and expiresAt.",
    }),
  })
  .openapi('ReadRequest')

const checkpointSchema = z
  .object({
    seq: seqSchema,
    acc: hexBytes(32),
    stateRoot: hexBytes(32),
    snapshotHash: hexBytes(32),
    withdrawalRoot: hexBytes(32),
    auditRoot: hexBytes(32),
  })
  .openapi('Checkpoint')

const checkpointSignatureSchema = z
  .object({ signer: hexBytes(20), signature: hexBytes(65) })
  .openapi('CheckpointSignature', { description: "A member enclave's EIP-712 signature over a checkpoint." })

const errorSchema = z.object({ error: z.string() }).openapi('Error', { description: 'One sentence saying why.' })

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const refusal = (description: string) => json(errorSchema, description)
const binary = (description: string) => ({
  description,
  content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
})

/** What any route may answer before its own checks: the origin and rate-limit guard's refusals. */
const guarded = {
  403: refusal('A browser page from an origin this node does not serve.'),
  429: refusal("Over this client's rate (or its open event streams)."),
}
const unavailable = { 503: refusal("The node's enclave is restarting, busy or not bound yet; retry shortly.") }
const bodyRefusals = {
  413: refusal('The body is larger than this route takes.'),
  415: refusal('The body is not of the content type this route takes.'),
}

export const commandsRoute = createRoute({
  method: 'post',
  path: '/v1/commands',
  summary: 'Relay a sealed command record',
  description:
    "Hands the record to the node's relayer once its enclave has checked it; the relayer posts it in a batch.",
  middleware: [requireBody('application/octet-stream', COMMAND_RECORD_BYTES)] as const,
  request: {
    body: {
      required: true,
      ...binary(
        `Exactly ${COMMAND_RECORD_BYTES} bytes (a sealed record) or ${SESSION_RECORD_BYTES} bytes (a session record).`,
      ),
    },
  },
  responses: {
    202: json(z.object({ accepted: z.literal(true) }), 'Accepted for posting.'),
    400: refusal('The body is neither record size.'),
    422: json(
      z.object({ accepted: z.literal(false), error: z.string() }),
      'The enclave refused the record: one answer for every reason.',
    ),
    ...guarded,
    ...bodyRefusals,
    503: refusal("The relayer's queue is full, the Ledger is paused, or the enclave cannot serve; retry later."),
  },
})

export const readsRoute = createRoute({
  method: 'post',
  path: '/v1/reads',
  summary: "Read an account's state, encrypted to the caller",
  middleware: [requireBody('application/json', MAX_JSON_BYTES)] as const,
  request: { body: { required: true, content: { 'application/json': { schema: readRequestSchema } } } },
  responses: {
    200: json(
      z.object({
        reply: z.string().openapi({ description: 'The account view, HPKE-sealed to replyKey for this request.' }),
        seq: seqSchema.openapi({ description: 'The input the enclave answered from.' }),
        acc: hexBytes(32).openapi({ description: "The Ledger's accumulator after seq, as the enclave holds it." }),
        signer: hexBytes(20).openapi({ description: 'The answering enclave: a member the wallet checks on chain.' }),
        signature: hexBytes(65).openapi({
          description: "The enclave's EIP-712 ReadReply signature over the request, seq, acc and the reply's hash.",
        }),
      }),
      "The enclave's answer, sealed to replyKey and signed by the enclave.",
    ),
    400: refusal('The body is not a read, or its replyKey is unusable.'),
    ...guarded,
    403: refusal(
      "The signature is not the account's, the read key expired, or a browser page from an origin this node does not serve.",
    ),
    ...bodyRefusals,
    ...unavailable,
  },
})

export const statusRoute = createRoute({
  method: 'get',
  path: '/v1/status',
  summary: "The node's position",
  responses: {
    200: json(
      z.object({
        seq: seqSchema.openapi({ description: 'Inputs the enclave has applied.' }),
        epoch: z.string(),
        member: z.boolean(),
        pending: z.number().openapi({ description: 'Records the relayer holds for posting.' }),
        pausedAt: seqSchema
          .nullable()
          .openapi({ description: 'The divergent seq while the Ledger is paused (commands are refused 503).' }),
      }),
      "The enclave's position and the relayer's queue.",
    ),
    ...guarded,
    ...unavailable,
  },
})

export const cosignRoute = createRoute({
  method: 'post',
  path: '/v1/checkpoints',
  summary: "Add a member's co-signature to the node's checkpoint",
  middleware: [requireBody('application/json', MAX_JSON_BYTES)] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': { schema: checkpointSignatureSchema.extend({ checkpoint: checkpointSchema }) },
      },
    },
  },
  responses: {
    200: json(z.object({ cosigned: z.literal(true) }), 'Added.'),
    400: refusal('The body is not a co-signature.'),
    ...guarded,
    403: refusal("The signature is not a member enclave's over this checkpoint (or a foreign browser page)."),
    404: refusal('This node does not serve checkpoints.'),
    409: refusal('This node holds another checkpoint at that input, or none yet.'),
    ...bodyRefusals,
    ...unavailable,
  },
})

export const checkpointRoute = createRoute({
  method: 'get',
  path: '/v1/checkpoints/{seq}',
  summary: 'The checkpoint at an input, with the signatures the node gathered',
  request: { params: z.object({ seq: seqSchema.openapi({ param: { name: 'seq', in: 'path' }, example: '1024' }) }) },
  responses: {
    200: json(
      z.object({ checkpoint: checkpointSchema, signatures: z.array(checkpointSignatureSchema) }),
      'The checkpoint and its signatures.',
    ),
    400: refusal('The seq is not a decimal input number.'),
    ...guarded,
    404: refusal('This node holds no checkpoint there, or serves none.'),
  },
})

export const snapshotRoute = createRoute({
  method: 'get',
  path: '/v1/snapshots/{hash}',
  summary: 'The encrypted snapshot a checkpoint commits to',
  request: {
    params: z.object({
      hash: z
        .string()
        .regex(/^0x[0-9a-f]{64}$/)
        .transform((hash) => hash as Hex)
        .openapi({ param: { name: 'hash', in: 'path' }, description: 'Its keccak256, lowercase 0x-hex.' }),
    }),
  },
  responses: {
    200: binary('The snapshot: check its hash before use.'),
    400: refusal('The hash is not 32 bytes of lowercase 0x-hex.'),
    ...guarded,
    404: refusal('This node holds no snapshot with that hash, or serves none.'),
  },
})

export const eventsRoute = createRoute({
  method: 'get',
  path: '/v1/events',
  summary: 'Server-Sent Events: the inputs the enclave applied',
  description:
    'Sends `event: applied` with `data: {"seq":"N"}` at once and whenever the enclave applied further inputs, ' +
    'and a comment every 15 s. Open streams are bounded in all and per client.',
  responses: {
    200: {
      description: 'An event stream.',
      content: {
        'text/event-stream': { schema: z.string().openapi({ example: 'event: applied\ndata: {"seq":"42"}' }) },
      },
    },
    ...guarded,
    404: refusal('This node does not push applied inputs.'),
    503: refusal('The node holds as many event streams as it serves; retry later.'),
  },
})
