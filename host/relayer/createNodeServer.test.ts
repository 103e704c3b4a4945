/** The node's HTTP API as a hostile client meets it: sizes, shapes, refusals and rate limits, with a real enclave. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../chain/createLedgerClients'
import { COMMAND_RECORD_BYTES } from '../../enclave-wasm/protocol'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { createNodeServer, type NodeServer } from './createNodeServer'
import { createRelayer } from './createRelayer'

let enclave: EnclaveClient
let server: NodeServer
const LEDGER = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

beforeAll(async () => {
  ;({ client: enclave } = await startNodeEnclave({ machine: await createSimMachine() }))
  await enclave.bind({ chainId: 31337n, ledger: LEDGER, sealed: undefined })
  // Every record here is refused before posting, so the relayer's chain (nothing listens there) is never reached.
  const clients = createLedgerClients({ rpcUrl: 'http://127.0.0.1:9', chainId: 31337, account: LEDGER })
  const relayer = createRelayer({ enclave, clients, ledger: LEDGER })
  server = await createNodeServer({ enclave, relayer, ratePerSecond: 5 })
})
afterAll(async () => {
  await server?.close()
  await enclave?.close()
})

const post = (path: string, body: BodyInit, type = 'application/octet-stream') =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body })

describe('node HTTP API', () => {
  it('refuses a record the enclave cannot open with one uniform answer', async () => {
    const response = await post('/v1/commands', new Uint8Array(COMMAND_RECORD_BYTES).fill(7))
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({ accepted: false, error: 'The enclave refused the command.' })
  })

  it('error: a record of the wrong size is 400, an oversized body 413', async () => {
    expect((await post('/v1/commands', new Uint8Array(COMMAND_RECORD_BYTES - 1))).status).toBe(400)
    expect((await post('/v1/commands', new Uint8Array(10_000))).status).toBe(413)
  })

  it('error: a read without a valid signature is refused; a malformed one is 400', async () => {
    const read = {
      account: `0x${'11'.repeat(20)}`,
      replyKey: `0x${'22'.repeat(32)}`,
      signature: `0x${'33'.repeat(65)}`,
    }
    expect((await post('/v1/reads', JSON.stringify(read), 'application/json')).status).toBe(403)
    expect((await post('/v1/reads', JSON.stringify({ account: 'alice' }), 'application/json')).status).toBe(400)
    expect((await post('/v1/reads', '{not json', 'application/json')).status).toBe(400)
  })

  it('error: unknown endpoints are 404 and a client over its rate gets 429', async () => {
    expect((await fetch(`${server.url}/v1/keys`)).status).toBe(404)
    const statuses = []
    for (let i = 0; i < 15; i++) statuses.push((await fetch(`${server.url}/v1/status`)).status)
    expect(statuses).toContain(429)
  })
})
