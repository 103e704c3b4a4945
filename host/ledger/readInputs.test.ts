/**
 * The follower on a test-owned anvil: session batches (kind 7) come back whole, rebuilt from their transactions, in
 * stream order with command batches; a transaction that does not match the logged accumulator is refused.
 */
import {
  concatHex,
  hexToBytes,
  createWalletClient,
  encodeFunctionData,
  encodePacked,
  http,
  keccak256,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { INPUT_KIND, type LedgerInput } from '../../enclave-wasm/protocol'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { SessionBatchUnavailableError } from '../errors/ledger'
import type { LedgerClients } from './confirmTransaction'
import { RECORD_BYTES, SESSION_RECORD_BYTES } from './constants'
import { deployLedger } from './deployLedger'
import { readInputs } from './readInputs'
import { submitBatch } from './submitBatch'
import { submitSessionBatch } from './submitSessionBatch'

let anvil: Anvil
let clients: LedgerClients
let ledger: Address
/** What the test sent, by seq: the kind and the records, to compare with what the follower returns. */
const sent: { kind: number; records: Uint8Array[] }[] = []

/** Seeded records (xorshift32), so a failure reproduces exactly. */
function someRecords(seed: number, count: number, recordBytes: number): Uint8Array[] {
  let state = seed >>> 0 || 1
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state % 256
  }
  return Array.from({ length: count }, () => Uint8Array.from({ length: recordBytes }, next))
}

/** Sends one batch of `kind` and remembers it; with automine off it waits in the pool for `mine`. */
async function send(kind: number, count: number): Promise<Hex> {
  const isSession = kind === INPUT_KIND.sessionBatch
  const records = someRecords(sent.length + 1, count, isSession ? SESSION_RECORD_BYTES : RECORD_BYTES)
  sent.push({ kind, records })
  return (isSession ? submitSessionBatch : submitBatch)(clients.walletClient, { ledger, records })
}

const setAutomine = (on: boolean) =>
  clients.publicClient.request({ method: 'evm_setAutomine' as never, params: [on] as never })
const mine = () => clients.publicClient.request({ method: 'evm_mine' as never })

/** acc_s = keccak256(acc_{s-1} ‖ uint64 s ‖ uint8 kind ‖ keccak256(payload)), as InputStream.sol. */
const nextAccumulator = (previous: Hex, seq: bigint, kind: number, payload: Hex) =>
  keccak256(encodePacked(['bytes32', 'uint64', 'uint8', 'bytes32'], [previous, seq, kind, keccak256(payload)]))

type Transaction = Awaited<ReturnType<PublicClient['getTransaction']>>

/** The client with `getTransaction` answers changed by `edit`, and the most calls it saw pending at once. */
function withTransactions(edit: (transaction: Transaction) => Transaction = (t) => t) {
  const seen = { pending: 0, maxPending: 0 }
  const getTransaction = async (args: Parameters<PublicClient['getTransaction']>[0]) => {
    seen.maxPending = Math.max(seen.maxPending, ++seen.pending)
    try {
      return edit(await clients.publicClient.getTransaction(args))
    } finally {
      seen.pending--
    }
  }
  // The readers only ask for mined transactions; viem's signature also types the pending case, which this mock never serves.
  const client: PublicClient = {
    ...clients.publicClient,
    getTransaction: getTransaction as PublicClient['getTransaction'],
  }
  return { client, seen }
}

async function expectUnavailable(client: PublicClient, problem: string) {
  const error = await readInputs(client, { ledger, afterSeq: 0n, fromBlock: 0n }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(SessionBatchUnavailableError)
  expect((error as SessionBatchUnavailableError).shortMessage).toContain(problem)
}

beforeAll(async () => {
  anvil = await startAnvil()
  const [address] = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  clients = createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: 31337, account: address!, pollingIntervalMs: 50 })
  ;({ address: ledger } = await deployLedger(clients, { governor: address! }))
  // seq 1 and 2 in blocks of their own, then seq 3–5 in one block, command batches between session batches.
  for (const kind of [INPUT_KIND.commandBatch, INPUT_KIND.sessionBatch])
    await clients.publicClient.waitForTransactionReceipt({ hash: await send(kind, 2) })
  await setAutomine(false)
  try {
    const hashes = [
      await send(INPUT_KIND.sessionBatch, 3),
      await send(INPUT_KIND.commandBatch, 1),
      await send(INPUT_KIND.sessionBatch, 1),
    ]
    await mine()
    for (const hash of hashes) await clients.publicClient.waitForTransactionReceipt({ hash })
  } finally {
    await setAutomine(true)
  }
  // A catch-up's worth of session batches, more than are fetched at once.
  for (let i = 0; i < 20; i++)
    await clients.publicClient.waitForTransactionReceipt({ hash: await send(INPUT_KIND.sessionBatch, 1 + (i % 4)) })
})
afterAll(async () => anvil?.stop())

describe('readInputs', () => {
  it('returns session batches with their full payload, in stream order with command batches', async () => {
    const { inputs } = await readInputs(clients.publicClient, { ledger, afterSeq: 0n, fromBlock: 0n })
    expect(inputs.map((input) => input.kind)).toEqual(sent.map((batch) => batch.kind))
    // seq 3–5 (session, command, session) were sequenced in one block: the log order is the stream order.
    expect(new Set(await Promise.all(inputs.slice(2, 5).map(blockOf))).size).toBe(1)
    let previous: Hex = `0x${'00'.repeat(32)}`
    for (const [index, input] of inputs.entries()) {
      const { records } = sent[index]!
      const payload = concatHex([
        encodePacked(['uint64'], [await blockOf(input)]),
        ...records.map((record) => toHex(record)),
      ])
      expect(input).toEqual({
        seq: BigInt(index + 1),
        kind: sent[index]!.kind,
        payload: hexToBytes(payload),
        acc: nextAccumulator(previous, BigInt(index + 1), input.kind, payload),
      })
      previous = input.acc
    }
  })

  it('starts the accumulator check from the Ledger when the first input read is a session batch', async () => {
    const { inputs } = await readInputs(clients.publicClient, { ledger, afterSeq: 2n, fromBlock: 0n })
    expect(inputs[0]).toMatchObject({ seq: 3n, kind: INPUT_KIND.sessionBatch })
    expect(inputs).toHaveLength(sent.length - 2)
  })

  it('fetches session transactions concurrently, at most 8 at once', async () => {
    const { client, seen } = withTransactions()
    const { inputs } = await readInputs(client, { ledger, afterSeq: 0n, fromBlock: 0n })
    expect(inputs).toHaveLength(sent.length)
    expect(seen.maxPending).toBeGreaterThan(1)
    expect(seen.maxPending).toBeLessThanOrEqual(8)
  })

  it('error: a transaction whose records differ from what the Ledger hashed', async () => {
    const other = concatHex(someRecords(999, 2, SESSION_RECORD_BYTES).map((record) => toHex(record)))
    const { client } = withTransactions((t) => ({
      ...t,
      input: encodeFunctionData({ abi: ledgerAbi, functionName: 'submitSessions', args: [other] }),
    }))
    await expectUnavailable(client, 'do not match the logged accumulator')
  })

  it('error: a transaction not sent to the Ledger', async () => {
    const { client } = withTransactions((t) => ({ ...t, to: '0x000000000000000000000000000000000000dEaD' }))
    await expectUnavailable(client, 'not the Ledger')
  })

  it('error: a transaction whose input is another Ledger call, or no Ledger call', async () => {
    const submit = withTransactions((t) => ({
      ...t,
      input: encodeFunctionData({ abi: ledgerAbi, functionName: 'submit', args: ['0x01'] }),
    }))
    await expectUnavailable(submit.client, 'calls submit, not submitSessions')
    const garbage = withTransactions((t) => ({ ...t, input: '0xdeadbeef' }))
    await expectUnavailable(garbage.client, 'is not a Ledger call')
  })
})

/** The block an input was sequenced in, from its log. */
async function blockOf(input: LedgerInput): Promise<bigint> {
  const [log] = await clients.publicClient.getContractEvents({
    address: ledger,
    abi: ledgerAbi,
    eventName: 'InputAppended',
    args: { seq: input.seq },
    fromBlock: 0n,
    strict: true,
  })
  return log!.blockNumber
}
