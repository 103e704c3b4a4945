/** The node's HTTP API as a hostile client meets it: sizes, shapes, refusals and rate limits, with a real enclave. */
import { request as httpRequest } from 'node:http'
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aStrangersRead, readJson } from '../../enclave-wasm/envelopes/strangersRead.fixture'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { COMMAND_RECORD_BYTES, SESSION_RECORD_BYTES } from '../../enclave-wasm/protocol'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { NodeRequestError, NodeUnavailableError } from '../errors/node'
import { createNodeClient } from './createNodeClient'
import { createNodeServer, type CreateNodeServerParameters, type NodeServer } from './createNodeServer'
import { readRequestSchema } from './nodeApiRoutes'
import { createRelayer } from './createRelayer'

let enclave: EnclaveClient
const servers: NodeServer[] = []
const LEDGER = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const WEB_ORIGIN = 'http://127.0.0.1:5173'
// Every record here is refused before posting: the relayer reads only the head (for deadlines) from this chain.
let anvil: Anvil
let clients: LedgerClients

async function aServer(parameters: Partial<CreateNodeServerParameters> = {}): Promise<NodeServer> {
  const on = parameters.enclave ?? enclave
  const relayer = await createRelayer({
    enclave: on as EnclaveClient,
    clients,
    ledger: LEDGER,
    finality: { confirmations: 0 },
  })
  const server = await createNodeServer({ enclave: on, relayer, allowedOrigins: new Set([WEB_ORIGIN]), ...parameters })
  servers.push(server)
  return server
}

beforeAll(async () => {
  anvil = await startAnvil()
  clients = createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: 31337, account: LEDGER })
  ;({ client: enclave } = await startNodeEnclave({ machine: await createSimMachine() }))
  await enclave.bind({ chainId: 31337n, ledger: LEDGER, sealed: undefined })
  // Its signer key, which signs every reply.
  await enclave.attest({ operator: LEDGER, anchorHash: `0x${'22'.repeat(32)}` })
})
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await enclave?.close()
  await anvil?.stop()
})

const post = (
  server: NodeServer,
  path: string,
  body: BodyInit,
  type = 'application/octet-stream',
  headers: Record<string, string> = {},
) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type, ...headers }, body })

const aSignedRead = (replyKey: Hex) => aStrangersRead(31337n, LEDGER, replyKey)
const ZERO_KEY: Hex = `0x${'00'.repeat(32)}`
const PATHS = [
  '/v1/reads',
  '/v1/commands',
  '/v1/status',
  '/v1/',
  '/',
  '/v1/reads?x=1',
  '/v1/status/../reads',
  '/%00',
  `/${'a'.repeat(4_000)}`,
]
const CONTENT_TYPES = [
  'application/json',
  'application/octet-stream',
  'text/plain',
  'application/json; charset=utf-8',
  '',
  'x/y',
]

describe('node HTTP API', () => {
  it('refuses a record the enclave cannot open with one uniform answer', async () => {
    const response = await post(await aServer(), '/v1/commands', new Uint8Array(COMMAND_RECORD_BYTES).fill(7))
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({ accepted: false, error: 'The enclave refused the command.' })
  })

  it('error: a record of the wrong size is 400, an oversized body 413', async () => {
    const server = await aServer()
    expect((await post(server, '/v1/commands', new Uint8Array(COMMAND_RECORD_BYTES - 1))).status).toBe(400)
    expect((await post(server, '/v1/commands', new Uint8Array(10_000))).status).toBe(413)
  })

  it('error: a body sent without a length is refused 413 while it streams in, not once it is whole', async () => {
    const server = await aServer()
    const { status, headers, sent } = await new Promise<{
      status: number
      headers: Record<string, unknown>
      sent: number
    }>((resolve, reject) => {
      let sent = 0
      const request = httpRequest(
        `${server.url}/v1/reads`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (response) => {
          response.resume()
          resolve({ status: response.statusCode ?? 0, headers: response.headers, sent })
          request.destroy()
        },
      )
      request.once('error', reject)
      // Chunked, 512 bytes at a time, up to 1 MB: the answer must come long before the end.
      const more = () => {
        if (request.destroyed) return
        if (sent >= 1_000_000) return void request.end()
        request.write(Buffer.alloc(512, 0x20))
        sent += 512
        setTimeout(more, 2)
      }
      more()
    })
    expect(status).toBe(413)
    expect(headers).toMatchObject({ connection: 'close', 'cache-control': 'no-store' })
    expect(sent).toBeLessThan(100_000)
  })

  it('error: a read without a valid signature is refused; a malformed one is 400', async () => {
    const server = await aServer()
    const read = {
      account: `0x${'11'.repeat(20)}`,
      replyKey: `0x${'22'.repeat(32)}`,
      expiresAt: `${Math.floor(Date.now() / 1000) + 600}`,
      requestNonce: `0x${'44'.repeat(32)}`,
      signature: `0x${'33'.repeat(65)}`,
    }
    expect((await post(server, '/v1/reads', JSON.stringify(read), 'application/json')).status).toBe(403)
    expect((await post(server, '/v1/reads', JSON.stringify({ account: 'alice' }), 'application/json')).status).toBe(400)
    expect((await post(server, '/v1/reads', '{not json', 'application/json')).status).toBe(400)
  })

  it('error: a signed read to a low-order reply key is 400 and the node serves on (issue 11)', async () => {
    const server = await aServer()
    const response = await post(server, '/v1/reads', readJson(await aSignedRead(ZERO_KEY)), 'application/json')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: expect.stringContaining('replyKey') })
    expect((await fetch(`${server.url}/v1/status`)).status).toBe(200)
    await expect(enclave.getStatus()).resolves.toMatchObject({ bound: true })
  })

  it('error: refuses cross-origin browser requests it did not opt into with 403, before the enclave sees them', async () => {
    const server = await aServer()
    const read = readJson(await aSignedRead(ZERO_KEY))
    // The review's request: a page elsewhere posting text/plain (no preflight) through the dev server's proxy.
    expect(
      (
        await post(server, '/v1/reads', read, 'text/plain', {
          origin: 'http://evil.example',
          'sec-fetch-site': 'cross-site',
        })
      ).status,
    ).toBe(403)
    expect((await post(server, '/v1/reads', read, 'application/json', { origin: 'null' })).status).toBe(403)
    // Another port of localhost is the same site but not the same origin.
    const record = new Uint8Array(COMMAND_RECORD_BYTES)
    expect(
      (
        await post(server, '/v1/commands', record, undefined, {
          origin: 'http://127.0.0.1:3000',
          'sec-fetch-site': 'same-site',
        })
      ).status,
    ).toBe(403)
    // A cross-site GET (an <img> tag) carries no Origin, only Sec-Fetch-Site.
    expect((await fetch(`${server.url}/v1/status`, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403)
    // The web app through the dev server's proxy (its own origin), and curl or the CLI (no Origin), are served.
    expect(
      (await post(server, '/v1/commands', record, undefined, { origin: WEB_ORIGIN, 'sec-fetch-site': 'same-origin' }))
        .status,
    ).toBe(422)
    expect(
      (await fetch(`${server.url}/v1/status`, { headers: { origin: WEB_ORIGIN, 'sec-fetch-site': 'same-origin' } }))
        .status,
    ).toBe(200)
    expect((await fetch(`${server.url}/v1/status`)).status).toBe(200)
  })

  it('behavior: answers CORS for the origins it serves, so a wallet page elsewhere may use it; never for others', async () => {
    const server = await aServer()
    const preflight = (origin: string) =>
      fetch(`${server.url}/v1/reads`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
          'sec-fetch-site': 'cross-site',
        },
      })
    const granted = await preflight(WEB_ORIGIN)
    expect(granted.status).toBe(204)
    expect(granted.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN)
    expect(granted.headers.get('access-control-allow-methods')).toContain('POST')
    const refused = await preflight('http://evil.example')
    expect(refused.status).toBe(403)
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    const status = await fetch(`${server.url}/v1/status`, { headers: { origin: WEB_ORIGIN } })
    expect(status.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN)
  })

  it('error: /v1/reads takes only application/json and /v1/commands only application/octet-stream (415)', async () => {
    const server = await aServer()
    const read = readJson(await aSignedRead(`0x${'22'.repeat(32)}`))
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
    ])
      expect((await post(server, '/v1/reads', read, type)).status, type).toBe(415)
    expect((await post(server, '/v1/reads', read, 'Application/JSON; charset=utf-8')).status).toBe(200)
    for (const type of ['text/plain', 'application/json'])
      expect((await post(server, '/v1/commands', new Uint8Array(COMMAND_RECORD_BYTES), type)).status, type).toBe(415)
  })

  it('error: a node whose enclave stopped answers 503, not a refusal', async () => {
    const { client: stopped } = await startNodeEnclave({ machine: await createSimMachine() })
    const server = await aServer({ enclave: stopped })
    await stopped.close()
    const read = readJson(await aSignedRead(`0x${'22'.repeat(32)}`))
    const answers = [
      await post(server, '/v1/reads', read, 'application/json'),
      await post(server, '/v1/commands', new Uint8Array(SESSION_RECORD_BYTES)),
      await fetch(`${server.url}/v1/status`),
    ]
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503])
    expect(await answers[0]!.json()).toEqual({ error: expect.stringContaining('enclave is not running') })
    // A wallet tells "try again soon" from "refused".
    const node = createNodeClient(server.url)
    await expect(node.readAccount(await aSignedRead(`0x${'22'.repeat(32)}`))).rejects.toBeInstanceOf(
      NodeUnavailableError,
    )
    await expect(
      createNodeClient((await aServer()).url).readAccount(await aSignedRead(ZERO_KEY)),
    ).rejects.toBeInstanceOf(NodeRequestError)
  })

  it('error: a node whose enclave is not bound yet answers reads and commands with 503', async () => {
    const { client: unbound } = await startNodeEnclave({ machine: await createSimMachine() })
    try {
      const server = await aServer({ enclave: unbound })
      const read = readJson(await aSignedRead(`0x${'22'.repeat(32)}`))
      expect((await post(server, '/v1/reads', read, 'application/json')).status).toBe(503)
      expect((await post(server, '/v1/commands', new Uint8Array(COMMAND_RECORD_BYTES))).status).toBe(503)
    } finally {
      await unbound.close()
    }
  })

  it('error: unknown endpoints are 404 and a client over its rate gets 429', async () => {
    const server = await aServer({ ratePerSecond: 5 })
    expect((await fetch(`${server.url}/v1/keys`)).status).toBe(404)
    const statuses = []
    for (let i = 0; i < 15; i++) statuses.push((await fetch(`${server.url}/v1/status`)).status)
    expect(statuses).toContain(429)
  })

  it('behavior: one client over its rate gets 429 while another client is still served', async () => {
    const server = await aServer({ ratePerSecond: 5 })
    const from = (localAddress: string) => statusFrom(server, { localAddress })
    const first = []
    for (let i = 0; i < 15; i++) first.push(await from('127.0.0.1'))
    expect(first).toContain(429)
    // Another loopback address is another client (Linux routes all of 127/8 to lo).
    expect(await from('127.0.0.2')).toBe(200)
    // Without a trusted proxy, naming another address in X-Forwarded-For changes nothing.
    expect(await statusFrom(server, { headers: { 'x-forwarded-for': '203.0.113.9' } })).toBe(429)
  })

  it('behavior: behind a trusted loopback proxy, the client is the address the proxy forwarded', async () => {
    const server = await aServer({ ratePerSecond: 5, trustLoopbackProxy: true })
    // What Vite's proxy (xfwd) sends: the browser's address appended to whatever the browser claimed.
    const via = (client: string) => statusFrom(server, { headers: { 'x-forwarded-for': `10.0.0.1, ${client}` } })
    const first = []
    for (let i = 0; i < 15; i++) first.push(await via('198.51.100.7'))
    expect(first).toContain(429)
    expect(await via('198.51.100.8')).toBe(200)
    // Only the proxy's own address (127.0.0.1) is believed: from another peer the header names nobody.
    expect(
      await statusFrom(server, { localAddress: '127.0.0.3', headers: { 'x-forwarded-for': '198.51.100.7' } }),
    ).toBe(200)
  })

  it('serves an OpenAPI 3 document naming every route and the fields of a read', async () => {
    const response = await fetch(`${(await aServer()).url}/v1/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as {
      openapi: string
      paths: Record<string, Record<string, unknown>>
      components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> }
    }
    expect(document.openapi).toMatch(/^3\./)
    expect(
      Object.fromEntries(Object.entries(document.paths).map(([path, methods]) => [path, Object.keys(methods)])),
    ).toEqual({
      '/v1/commands': ['post'],
      '/v1/reads': ['post'],
      '/v1/status': ['get'],
      '/v1/checkpoints': ['post'],
      '/v1/checkpoints/{seq}': ['get'],
      '/v1/snapshots/{hash}': ['get'],
      '/v1/events': ['get'],
    })
    const read = document.components.schemas.ReadRequest!
    expect(Object.keys(read.properties)).toEqual(Object.keys(readRequestSchema.shape))
    expect(read.required).toEqual(['account', 'replyKey', 'expiresAt', 'requestNonce', 'signature'])
    expect(document.paths['/v1/commands']!.post).toMatchObject({
      requestBody: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    })
  })

  it('error: malformed checkpoint and snapshot names are 400 with one sentence, not a validator dump', async () => {
    const server = await aServer()
    for (const path of ['/v1/checkpoints/x1', `/v1/snapshots/0x${'A'.repeat(64)}`]) {
      const response = await fetch(`${server.url}${path}`)
      expect(response.status, path).toBe(400)
      const { error } = (await response.json()) as { error: string }
      expect(error).toMatch(/^[A-Z][^\n]*\.$/)
    }
  })

  it('error: a port in use rejects instead of ending the process', async () => {
    const taken = Number(new URL((await aServer()).url).port)
    await expect(aServer({ port: taken })).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })

  it('answers 400 seeded random requests (methods, paths, headers, bodies) without a 5xx and serves on', {
    timeout: 30_000,
  }, async () => {
    const server = await aServer({ ratePerSecond: 100_000 })
    const before = await enclave.getStatus()
    const random = seeded(0x4e0de)
    const statuses = new Map<number, number>()
    for (let i = 0; i < 400; i++) {
      // Mostly the real endpoints with their own content type, so requests get past the first checks.
      const [method, path, type] = random.pick([
        ['POST', '/v1/reads', 'application/json'],
        ['POST', '/v1/reads', 'application/json'],
        ['POST', '/v1/commands', 'application/octet-stream'],
        ['POST', '/v1/commands', 'application/octet-stream'],
        ['GET', '/v1/status', undefined],
        [
          random.pick(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH']),
          random.pick(PATHS),
          random.pick(CONTENT_TYPES),
        ],
      ] as const)
      const body = random.pick([
        () => new Uint8Array(0),
        () => random.bytes(random.pick([1, 95, 96, 97, 311, 312, 313, 1_024, 1_025, 20_000])),
        () => random.bytes(random.pick([SESSION_RECORD_BYTES, COMMAND_RECORD_BYTES])),
        () =>
          JSON.stringify({
            account: random.hex(20),
            replyKey: random.pick([ZERO_KEY, random.hex(32), random.hex(31), 7, null]),
            signature: random.hex(65),
          }),
        () =>
          JSON.stringify(
            random.pick([[], 'x', 1e308, null, { account: { toString: 1 } }, { __proto__: { account: 1 } }]),
          ),
        () => '{'.repeat(1_000),
      ])()
      const status = await rawRequest(server.url, {
        method,
        path,
        headers: {
          ...(random.int(5) === 0
            ? { 'content-type': random.pick(CONTENT_TYPES) }
            : type
              ? { 'content-type': type }
              : {}),
          ...(random.int(5) === 0
            ? { origin: random.pick([WEB_ORIGIN, 'http://evil.example', 'null', `${WEB_ORIGIN}.evil.example`, '']) }
            : {}),
          ...(random.int(5) === 0
            ? { 'sec-fetch-site': random.pick(['same-origin', 'same-site', 'cross-site', 'none', 'weird']) }
            : {}),
        },
        body,
      })
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      expect(status, `request ${i}`).toBeLessThan(500)
    }
    expect((await fetch(`${server.url}/v1/status`)).status).toBe(200)
    expect(await enclave.getStatus()).toMatchObject({ seq: before.seq, root: before.root })
    // The run reached every kind of refusal, not only the first check.
    for (const status of [400, 403, 404, 413, 415, 422]) expect(statuses.get(status), String(status)).toBeGreaterThan(0)
  })
})

/** One request over node:http, which (unlike fetch) sends any method, path and header; resolves to its status. */
function rawRequest(
  base: string,
  {
    method,
    path,
    headers,
    body,
  }: { method: string; path: string; headers: Record<string, string>; body: Uint8Array | string },
) {
  return new Promise<number>((resolve, reject) => {
    const request = httpRequest(new URL(path, base), { method, headers, path }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    request.on('error', reject)
    request.end(method === 'GET' || method === 'HEAD' ? undefined : body)
  })
}

/** mulberry32: a tiny seeded PRNG for test data (not crypto), so a failing run replays exactly. */
function seeded(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const bytes = (length: number) => Uint8Array.from({ length }, () => int(256))
  return {
    int,
    bytes,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    hex: (length: number) => `0x${Buffer.from(bytes(length)).toString('hex')}` as Hex,
  }
}

/** GET /v1/status from a chosen local address and with chosen headers; resolves to the status code. */
function statusFrom(
  server: NodeServer,
  { localAddress, headers = {} }: { localAddress?: string; headers?: Record<string, string> },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${server.url}/v1/status`, { localAddress, headers, agent: false }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    request.once('error', reject)
    request.end()
  })
}
