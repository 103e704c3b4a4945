import {
  BaseError,
  encodePacked,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  http,
  parseEventLogs,
  toHex,
  type Address,
  type Hex,
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildContracts } from '../build'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { GENESIS_ACCUMULATOR, nextAccumulator } from '../../enclave-wasm/runtime/group/accumulator'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { MAX_RECORDS_PER_BATCH, RECORD_BYTES } from '../../host/ledger/constants'
import { deployLedger } from '../../host/ledger/deployLedger'
import { submitBatch } from '../../host/ledger/submitBatch'

let anvil: Anvil
let ledger: Address
let ledgerAbi: (typeof import('../generated/ledger'))['ledgerAbi']
const clients = () => {
  const transport = http(anvil.rpcUrl, { retryCount: 0 })
  return { publicClient: createPublicClient({ transport }), transport }
}
const wallet = async (index: number) => {
  const addresses = await createWalletClient({ transport: clients().transport }).getAddresses()
  return createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: 31337, account: addresses[index]!, pollingIntervalMs: 50 }).walletClient
}
const KIND_COMMAND_BATCH = INPUT_KIND.commandBatch

/** Deterministic records: record i of batch b is filled with bytes derived from (b, i), so no two are equal. */
function aBatch(batch: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => Uint8Array.from({ length: RECORD_BYTES }, (_, j) => (batch * 31 + i * 7 + j) % 256))
}
const recordsHex = (records: Uint8Array[]): Hex => toHex(Uint8Array.from(records.flatMap((r) => [...r])))
/** A batch input's payload: the block it was sequenced in, then the records. */
const payloadOf = (records: Uint8Array[], blockNumber: bigint): Hex => encodePacked(['uint64', 'bytes'], [blockNumber, recordsHex(records)])

beforeAll(async () => {
  await buildContracts()
  ;({ ledgerAbi } = await import('../generated/ledger'))
  anvil = await startAnvil()
  const deployer = await wallet(0)
  ;({ address: ledger } = await deployLedger({ walletClient: deployer, publicClient: clients().publicClient }, { governor: deployer.account.address }))
})
afterAll(async () => anvil?.stop())

async function submitAndGetInput(records: Uint8Array[], from = 0) {
  const { publicClient } = clients()
  const hash = await submitBatch(await wallet(from), { ledger, records })
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  const [event] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
  return { receipt, input: event!.args }
}

async function revertOf(payload: Hex) {
  const { publicClient } = clients()
  const account = (await wallet(0)).account
  const error = await publicClient
    .simulateContract({ address: ledger, abi: ledgerAbi, functionName: 'submit', args: [payload], account })
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(BaseError)
  const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError)
  expect(revert).toBeInstanceOf(ContractFunctionRevertedError)
  return (revert as ContractFunctionRevertedError).data
}

const readSeq = async () => clients().publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'seq' })

describe('Ledger', () => {
  it('exposes the record format the TypeScript side uses', async () => {
    const { publicClient } = clients()
    const read = (functionName: 'RECORD_BYTES' | 'MAX_RECORDS_PER_BATCH' | 'KIND_COMMAND_BATCH') =>
      publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName })
    expect(await read('RECORD_BYTES')).toBe(BigInt(RECORD_BYTES))
    expect(await read('MAX_RECORDS_PER_BATCH')).toBe(BigInt(MAX_RECORDS_PER_BATCH))
    expect(await read('KIND_COMMAND_BATCH')).toBe(KIND_COMMAND_BATCH)
  })

  it('appends a batch as input 1 with the accumulator recomputed off chain', async () => {
    const records = aBatch(1, 3)
    const { input, receipt } = await submitAndGetInput(records)
    const expected = nextAccumulator(GENESIS_ACCUMULATOR, 1n, KIND_COMMAND_BATCH, payloadOf(records, receipt.blockNumber))
    expect(input).toEqual({ seq: 1n, kind: KIND_COMMAND_BATCH, acc: expected, payload: payloadOf(records, receipt.blockNumber) })
    expect(await readSeq()).toBe(1n)
  })

  it('chains the accumulator across inputs and keeps it per sequence number', async () => {
    const { publicClient } = clients()
    const first = await publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'accumulatorAt', args: [1n] })
    const records = aBatch(2, 1)
    const { input, receipt } = await submitAndGetInput(records)
    expect(input.seq).toBe(2n)
    expect(input.acc).toBe(nextAccumulator(first, 2n, KIND_COMMAND_BATCH, payloadOf(records, receipt.blockNumber)))
    const at = (seq: bigint) => publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'accumulatorAt', args: [seq] })
    expect(await at(0n)).toBe(GENESIS_ACCUMULATOR)
    expect(await at(2n)).toBe(input.acc)
  })

  it('lets anyone submit: a second account posts input 3', async () => {
    const { receipt, input } = await submitAndGetInput(aBatch(3, 2), 1)
    expect(input.seq).toBe(3n)
    expect(receipt.from).toBe((await wallet(1)).account.address.toLowerCase())
  })

  it('keeps ciphertexts out of storage: a batch writes two slots (seq, accumulator) and logs the payload', async () => {
    const records = aBatch(4, 4)
    const { receipt } = await submitAndGetInput(records)
    const { publicClient } = clients()
    // The node's own trace of which storage slots the transaction changed, whatever the batch size.
    const trace = (await publicClient.request({
      method: 'debug_traceTransaction' as never,
      params: [receipt.transactionHash, { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }] as never,
    })) as { post: Record<string, { storage?: Record<string, Hex> }> }
    const written = Object.entries(trace.post).find(([address]) => address.toLowerCase() === ledger.toLowerCase())
    expect(Object.keys(written?.[1].storage ?? {})).toHaveLength(2)
    expect(receipt.logs[0]!.data).toContain(recordsHex(records).slice(2))
  })

  it('error: rejects an empty batch with LedgerEmptyBatch and appends nothing', async () => {
    const before = await readSeq()
    expect(await revertOf('0x')).toMatchObject({ errorName: 'LedgerEmptyBatch' })
    expect(await readSeq()).toBe(before)
  })

  it('error: rejects a misaligned batch with LedgerMisalignedBatch(length)', async () => {
    const payload = toHex(new Uint8Array(RECORD_BYTES + 1))
    expect(await revertOf(payload)).toMatchObject({ errorName: 'LedgerMisalignedBatch', args: [BigInt(RECORD_BYTES + 1)] })
  })

  it('error: rejects an oversized batch with LedgerBatchTooLarge(records, max)', async () => {
    const payload = toHex(new Uint8Array(RECORD_BYTES * (MAX_RECORDS_PER_BATCH + 1)))
    expect(await revertOf(payload)).toMatchObject({
      errorName: 'LedgerBatchTooLarge',
      args: [BigInt(MAX_RECORDS_PER_BATCH + 1), BigInt(MAX_RECORDS_PER_BATCH)],
    })
  })

  it('error: rejects accumulatorAt beyond the latest input with LedgerUnknownSeq', async () => {
    const { publicClient } = clients()
    const seq = await readSeq()
    const error = await publicClient
      .readContract({ address: ledger, abi: ledgerAbi, functionName: 'accumulatorAt', args: [seq + 1n] })
      .catch((e: unknown) => e)
    const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError
    expect(revert.data).toMatchObject({ errorName: 'LedgerUnknownSeq', args: [seq + 1n] })
  })
})
