/**
 * GET /v1/events and its client, with a real server and enclave: the applied seq is pushed at once and whenever it
 * moves, open streams are bounded, a client that goes away is unsubscribed, and the client reconnects after a drop
 * and ignores what it cannot validate.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { type AppliedSeq, createAppliedSeq } from '../node/appliedSeq'
import { createNodeServer, type CreateNodeServerParameters, type NodeServer } from './createNodeServer'
import { createRelayer } from './createRelayer'
import { subscribeApplied } from './subscribeApplied'

const LEDGER = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
let anvil: Anvil
let clients: LedgerClients
let enclave: EnclaveClient
const servers: NodeServer[] = []

beforeAll(async () => {
  anvil = await startAnvil()
  clients = createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: 31337, account: LEDGER })
  ;({ client: enclave } = await startNodeEnclave({ machine: await createSimMachine() }))
  await enclave.bind({ chainId: 31337n, ledger: LEDGER, sealed: undefined })
})
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await enclave?.close()
  await anvil?.stop()
})

/** A notifier at `seq` that counts its subscriptions, so a test sees each stream unsubscribe. */
function aNotifier(seq: bigint) {
  const applied = createAppliedSeq()
  applied.advance(seq)
  let listeners = 0
  const counted: AppliedSeq = {
    ...applied,
    subscribe(listener) {
      listeners++
      const unsubscribe = applied.subscribe(listener)
      return () => {
        listeners--
        unsubscribe()
      }
    },
  }
  return { applied: counted, listeners: () => listeners }
}

async function aServer(parameters: Partial<CreateNodeServerParameters> = {}): Promise<NodeServer> {
  const relayer = await createRelayer({ enclave, clients, ledger: LEDGER, finality: { confirmations: 0 } })
  const server = await createNodeServer({ enclave, relayer, ...parameters })
  servers.push(server)
  return server
}

/** Opens GET /v1/events from `localAddress` (another loopback address is another client) and keeps it open. */
function openStream(server: NodeServer, localAddress = '127.0.0.1') {
  return new Promise<{ status: number; body: Promise<string>; close: () => void }>((resolve, reject) => {
    const request = httpRequest(`${server.url}/v1/events`, { localAddress, agent: false }, (response) => {
      const body = new Promise<string>((end) => {
        let text = ''
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString()
        })
        response.on('end', () => end(text))
      })
      resolve({ status: response.statusCode ?? 0, body, close: () => request.destroy() })
    })
    request.once('error', reject)
    request.end()
  })
}

/** Subscribes with subscribeApplied and collects what it hears. */
function aSubscriber(url: string) {
  const seen: bigint[] = []
  const stop = new AbortController()
  const done = subscribeApplied(url, (seq) => seen.push(seq), { signal: stop.signal })
  return {
    seen,
    stop: async () => {
      stop.abort()
      await done
    },
  }
}

describe('GET /v1/events and subscribeApplied', () => {
  it('pushes the current seq at once, then each later one the notifier reports', async () => {
    const { applied, listeners } = aNotifier(3n)
    const server = await aServer({ applied })
    const subscriber = aSubscriber(server.url)
    await expect.poll(() => subscriber.seen).toEqual([3n])
    expect(listeners()).toBe(1)
    applied.advance(4n)
    applied.advance(4n)
    applied.advance(6n)
    await expect.poll(() => subscriber.seen).toEqual([3n, 4n, 6n])
    await subscriber.stop()
    await expect.poll(listeners).toBe(0)
  })

  it('sends text/event-stream that is never cached, as `event: applied` with the seq as a decimal string', async () => {
    const server = await aServer({ applied: aNotifier(9n).applied })
    const controller = new AbortController()
    const response = await fetch(`${server.url}/v1/events`, { signal: controller.signal })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const { value } = await response.body!.getReader().read()
    expect(new TextDecoder().decode(value)).toBe('event: applied\ndata: {"seq":"9"}\n\n')
    controller.abort()
  })

  it('error: refuses a ninth stream from one client (429) while another client is served', async () => {
    const { applied, listeners } = aNotifier(1n)
    const server = await aServer({ applied })
    const streams = []
    for (let i = 0; i < 8; i++) streams.push(await openStream(server))
    expect(streams.map((stream) => stream.status)).toEqual(Array(8).fill(200))
    const ninth = await openStream(server)
    expect(ninth.status).toBe(429)
    expect(JSON.parse(await ninth.body)).toEqual({ error: expect.stringContaining('At most 8 event streams') })
    const other = await openStream(server, '127.0.0.2')
    expect(other.status).toBe(200)
    await expect.poll(listeners).toBe(9)
    for (const stream of [...streams, other]) stream.close()
    await expect.poll(listeners).toBe(0)
    // A slot freed is a slot again.
    const again = await openStream(server)
    expect(again.status).toBe(200)
    again.close()
  })

  it('behavior: a HEAD request holds no stream slot', async () => {
    const { applied, listeners } = aNotifier(1n)
    const server = await aServer({ applied })
    for (let i = 0; i < 6; i++) expect((await fetch(`${server.url}/v1/events`, { method: 'HEAD' })).status).toBe(200)
    await expect.poll(listeners).toBe(0)
    const stream = await openStream(server)
    expect(stream.status).toBe(200)
    stream.close()
  })

  it('error: refuses streams past the node-wide bound (503)', async () => {
    const { applied, listeners } = aNotifier(1n)
    const server = await aServer({ applied })
    const streams = []
    for (let client = 1; client <= 16; client++)
      for (let i = 0; i < 4; i++) streams.push(await openStream(server, `127.0.1.${client}`))
    expect(streams.every((stream) => stream.status === 200)).toBe(true)
    const over = await openStream(server, '127.0.2.1')
    expect(over.status).toBe(503)
    expect(JSON.parse(await over.body)).toEqual({ error: expect.stringContaining('retry later') })
    for (const stream of streams) stream.close()
    await expect.poll(listeners).toBe(0)
  })

  it('behavior: a client that goes away is unsubscribed, and closing the server ends the streams it holds', async () => {
    const { applied, listeners } = aNotifier(2n)
    const server = await aServer({ applied })
    const gone = await openStream(server)
    const held = await openStream(server)
    await expect.poll(listeners).toBe(2)
    gone.close()
    await expect.poll(listeners).toBe(1)
    await server.close()
    expect(await held.body).toBe('event: applied\ndata: {"seq":"2"}\n\n')
    expect(listeners()).toBe(0)
  })

  it('error: a node without a notifier answers 404', async () => {
    const response = await fetch(`${(await aServer()).url}/v1/events`)
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'This node does not push applied inputs.' })
  })

  it('behavior: the client reconnects after the node restarts and hears its seq, and stops on abort', async () => {
    const first = await aServer({ applied: aNotifier(3n).applied })
    const subscriber = aSubscriber(first.url)
    await expect.poll(() => subscriber.seen).toEqual([3n])
    await first.close()
    const port = Number(new URL(first.url).port)
    const { applied, listeners } = aNotifier(7n)
    await aServer({ applied, port })
    await expect.poll(() => subscriber.seen, { timeout: 5_000 }).toEqual([3n, 7n])
    await subscriber.stop()
    await expect.poll(listeners).toBe(0)
  })

  it('behavior: the client ignores malformed events and drops a stream that never ends an event', async () => {
    let connections = 0
    const node: Server = createServer((_, response) => {
      connections++
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      if (connections === 1)
        response.write(
          [
            'event: applied\ndata: nope\n\n',
            'event: applied\ndata: {"seq":-1}\n\n',
            'event: applied\ndata: {"seq":"0x10"}\n\n',
            'event: applied\ndata: null\n\n',
            'event: other\ndata: {"seq":"5"}\n\n',
            'data: {"seq":"6"}\n\n',
            `data: ${'x'.repeat(10_000)}`,
          ].join(''),
        )
      else response.write('event: applied\ndata: {"seq":"8"}\n\n')
    })
    await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve))
    try {
      const subscriber = aSubscriber(`http://127.0.0.1:${(node.address() as AddressInfo).port}`)
      await expect.poll(() => subscriber.seen, { timeout: 5_000 }).toEqual([8n])
      expect(connections).toBe(2)
      await subscriber.stop()
    } finally {
      node.closeAllConnections()
      await new Promise((resolve) => node.close(resolve))
    }
  })
})
