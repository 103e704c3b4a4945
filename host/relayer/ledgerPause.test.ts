/**
 * A relayer meets a paused Ledger (a divergence was recorded): it sends no transaction, counts no failure and keeps
 * every record it holds; new records are refused with LedgerPausedError, which the node API answers 503 naming the
 * divergent seq. Once governance resumes, it posts what it kept on its own. On anvil, with a Ledger paused for real.
 */
import { bytesToHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { type CheckpointGroup, startCheckpointGroup } from '../../contracts/test/checkpointGroup'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { LedgerPausedError } from '../errors/ledger'
import { RECORD_BYTES, SESSION_RECORD_BYTES } from '../ledger/constants'
import { resumeLedger } from '../ledger/governance'
import { reportDivergence } from '../ledger/reportDivergence'
import { createNodeServer, type NodeServer } from './createNodeServer'
import { createRelayer, type Relayer } from './createRelayer'

const POSTER = 5
let group: CheckpointGroup
let enclave: EnclaveClient
let server: NodeServer
let relayer: Relayer
const errors: unknown[] = []

/** A record of `size` bytes, distinct per `n`: the Ledger stores any bytes, and this relayer's precheck (below) accepts all. */
const aRecord = (size: number, n: number) => new Uint8Array(size).fill(n)
const postCount = () =>
  group.clientsOf(POSTER).publicClient.getTransactionCount({ address: group.accounts[POSTER]!, blockTag: 'pending' })

/** Polls an observable state of the chain (no sleeps of a guessed length). */
async function until(condition: () => Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('the chain never reached the awaited state')
}

beforeAll(async () => {
  group = await startCheckpointGroup()
  ;({ client: enclave } = await startNodeEnclave({ machine: await createSimMachine() }))
  await enclave.bind({ chainId: 31337n, ledger: group.ledger, sealed: undefined })
  relayer = await createRelayer({
    // The pause, not the enclave's precheck, is under test: every record is worth posting.
    enclave: { precheck: async () => ({ accepted: true }) },
    clients: group.clientsOf(POSTER),
    ledger: group.ledger,
    finality: group.deployment.finality,
    flushAfterMs: 60_000,
    // The resume is noticed within this; the test waits for the chain, not for a guessed time.
    confirmIntervalMs: 20,
    onError: (error) => errors.push(error),
  })
  server = await createNodeServer({ enclave, relayer })
}, 60_000)
afterAll(async () => {
  await relayer?.stop()
  await server?.close()
  await enclave?.close()
  await group?.anvil.stop()
})

describe('relayer and a paused Ledger', { timeout: 60_000 }, () => {
  it('holds its records without sending while paused, answers 503 with the seq, and posts them after the resume', async () => {
    const { aCheckpoint, signedBy, members, clientsOf, ledger, read } = group
    const sealed = aRecord(RECORD_BYTES, 1)
    const session = aRecord(SESSION_RECORD_BYTES, 2)
    expect(await relayer.accept(sealed)).toBe(true)
    expect(await relayer.accept(session)).toBe(true)

    const checkpoint = await aCheckpoint()
    const [a] = await signedBy(checkpoint, members.a)
    const [c] = await signedBy({ ...checkpoint, stateRoot: `0x${'11'.repeat(32)}` }, members.c)
    await reportDivergence(clientsOf(0), {
      ledger,
      a: { checkpoint, ...a! },
      b: { checkpoint: { ...checkpoint, stateRoot: `0x${'11'.repeat(32)}` }, ...c! },
    })
    const seq = await read.seq()
    const sent = await postCount()

    await relayer.flush()
    expect(await postCount()).toBe(sent)
    expect(await read.seq()).toBe(seq)
    expect(relayer.pending()).toBe(2)
    expect(relayer.pausedAt()).toBe(checkpoint.seq)
    expect(errors).toEqual([])

    await expect(relayer.accept(aRecord(RECORD_BYTES, 3))).rejects.toBeInstanceOf(LedgerPausedError)
    const refused = await fetch(`${server.url}/v1/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: aRecord(RECORD_BYTES, 4),
    })
    expect(refused.status).toBe(503)
    expect(((await refused.json()) as { error: string }).error).toContain(`divergence at input ${checkpoint.seq}`)
    const status = (await (await fetch(`${server.url}/v1/status`)).json()) as { pausedAt: string | null }
    expect(status.pausedAt).toBe(checkpoint.seq.toString())
    expect(relayer.pending()).toBe(2)

    // Governance resumes; the relayer notices by itself and posts both lanes, nothing lost.
    const resumed = await resumeLedger(clientsOf(0), { ledger })
    await until(async () => (await read.seq()) === seq + 3n)
    expect(relayer.pausedAt()).toBeUndefined()
    const inputs = await clientsOf(0).publicClient.getContractEvents({
      address: ledger,
      abi: ledgerAbi,
      eventName: 'InputAppended',
      fromBlock: resumed.blockNumber + 1n,
      strict: true,
    })
    expect(inputs.map((input) => input.args.kind)).toEqual(expect.arrayContaining([1, 7]))
    const batch = inputs.find((input) => input.args.kind === 1)!
    expect(batch.args.payload.endsWith(bytesToHex(sealed).slice(2))).toBe(true)
    expect(errors).toEqual([])
    expect(await relayer.accept(aRecord(RECORD_BYTES, 5))).toBe(true)
  })
})
