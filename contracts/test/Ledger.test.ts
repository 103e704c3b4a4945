import {
  BaseError,
  concatHex,
  decodeAbiParameters,
  encodeFunctionData,
  getAddress,
  hexToBytes,
  encodePacked,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  http,
  parseEventLogs,
  size,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildContracts } from '../build'
import { DEFAULT_EVM_VERSION } from '../generated/evmVersions'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { GENESIS_ACCUMULATOR, nextAccumulator } from '../../enclave-wasm/envelopes/inputAccumulator'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { createRequire } from 'node:module'
import { MAX_RECORDS_PER_BATCH, RECORD_BYTES, SESSION_RECORD_BYTES } from '../../host/ledger/constants'
import { deployLedger } from '../../host/ledger/deployLedger'
import { submitBatch } from '../../host/ledger/submitBatch'
import { submitSessionBatch } from '../../host/ledger/submitSessionBatch'

let anvil: Anvil
let ledger: Address
let ledgerAbi: typeof import('../generated/ledger')['ledgerAbi']
const clients = () => {
  const transport = http(anvil.rpcUrl, { retryCount: 0 })
  return { publicClient: createPublicClient({ transport }), transport }
}
const wallet = async (index: number) => {
  const addresses = await createWalletClient({ transport: clients().transport }).getAddresses()
  return createLedgerClients({
    rpcUrl: anvil.rpcUrl,
    chainId: 31337,
    account: addresses[index]!,
    pollingIntervalMs: 50,
  }).walletClient
}
const KIND_COMMAND_BATCH = INPUT_KIND.commandBatch
const KIND_SESSION_BATCH = INPUT_KIND.sessionBatch

/** Deterministic records: record i of batch b is filled with bytes derived from (b, i), so no two are equal. */
function aBatch(batch: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    Uint8Array.from({ length: RECORD_BYTES }, (_, j) => (batch * 31 + i * 7 + j) % 256),
  )
}
const recordsHex = (records: Uint8Array[]): Hex => toHex(Uint8Array.from(records.flatMap((r) => [...r])))
/** A batch input's payload: the block it was sequenced in, then the records. */
const payloadOf = (records: Uint8Array[], blockNumber: bigint): Hex =>
  encodePacked(['uint64', 'bytes'], [blockNumber, recordsHex(records)])

beforeAll(async () => {
  await buildContracts()
  ;({ ledgerAbi } = await import('../generated/ledger'))
  anvil = await startAnvil()
  const deployer = await wallet(0)
  ;({ address: ledger } = await deployLedger(
    { walletClient: deployer, publicClient: clients().publicClient },
    { governor: deployer.account.address },
  ))
})
afterAll(async () => anvil?.stop())

async function submitAndGetInput(records: Uint8Array[], from = 0) {
  const { publicClient } = clients()
  const hash = await submitBatch(await wallet(from), { ledger, records })
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  const [event] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
  return { receipt, input: event!.args }
}

/** The decoded custom error a call reverts with (the call is simulated, so nothing is mined). */
async function revertDataOf(call: Promise<unknown>) {
  const error = await call.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(BaseError)
  const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError)
  expect(revert).toBeInstanceOf(ContractFunctionRevertedError)
  return (revert as ContractFunctionRevertedError).data
}

async function revertOf(payload: Hex, functionName: 'submit' | 'submitSessions' = 'submit') {
  const { publicClient } = clients()
  const account = (await wallet(0)).account
  return revertDataOf(
    publicClient.simulateContract({ address: ledger, abi: ledgerAbi, functionName, args: [payload], account }),
  )
}

const readSeq = async () =>
  clients().publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'seq' })

describe('Ledger', () => {
  it('exposes the record format the TypeScript side uses', async () => {
    const { publicClient } = clients()
    const read = (
      functionName:
        | 'RECORD_BYTES'
        | 'SESSION_RECORD_BYTES'
        | 'MAX_RECORDS_PER_BATCH'
        | 'KIND_COMMAND_BATCH'
        | 'KIND_SESSION_BATCH',
    ) => publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName })
    expect(await read('RECORD_BYTES')).toBe(BigInt(RECORD_BYTES))
    expect(await read('SESSION_RECORD_BYTES')).toBe(BigInt(SESSION_RECORD_BYTES))
    expect(await read('MAX_RECORDS_PER_BATCH')).toBe(BigInt(MAX_RECORDS_PER_BATCH))
    expect(await read('KIND_COMMAND_BATCH')).toBe(KIND_COMMAND_BATCH)
    expect(await read('KIND_SESSION_BATCH')).toBe(KIND_SESSION_BATCH)
  })

  it('appends a batch as input 1 with the accumulator recomputed off chain', async () => {
    const records = aBatch(1, 3)
    const { input, receipt } = await submitAndGetInput(records)
    const expected = nextAccumulator(
      GENESIS_ACCUMULATOR,
      1n,
      KIND_COMMAND_BATCH,
      payloadOf(records, receipt.blockNumber),
    )
    expect(input).toEqual({
      seq: 1n,
      kind: KIND_COMMAND_BATCH,
      acc: expected,
      payload: payloadOf(records, receipt.blockNumber),
    })
    expect(await readSeq()).toBe(1n)
  })

  it('chains the accumulator across inputs and keeps it per sequence number', async () => {
    const { publicClient } = clients()
    const first = await publicClient.readContract({
      address: ledger,
      abi: ledgerAbi,
      functionName: 'accumulatorAt',
      args: [1n],
    })
    const records = aBatch(2, 1)
    const { input, receipt } = await submitAndGetInput(records)
    expect(input.seq).toBe(2n)
    expect(input.acc).toBe(nextAccumulator(first, 2n, KIND_COMMAND_BATCH, payloadOf(records, receipt.blockNumber)))
    const at = (seq: bigint) =>
      publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'accumulatorAt', args: [seq] })
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

  it('error: rejects a misaligned batch with LedgerMisalignedBatch(length, recordBytes)', async () => {
    const payload = toHex(new Uint8Array(RECORD_BYTES + 1))
    expect(await revertOf(payload)).toMatchObject({
      errorName: 'LedgerMisalignedBatch',
      args: [BigInt(RECORD_BYTES + 1), BigInt(RECORD_BYTES)],
    })
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
    const revert = (error as BaseError).walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError
    expect(revert.data).toMatchObject({ errorName: 'LedgerUnknownSeq', args: [seq + 1n] })
  })
})

/** Seeded xorshift32 bytes in 1..255: session records with no zero byte, the calldata worst case. */
function nonZeroBytes(seed: number, length: number): Uint8Array {
  let state = seed >>> 0 || 1
  return Uint8Array.from({ length }, () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return 1 + (state % 255)
  })
}
const aSessionBatch = (seed: number, count: number): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => nonZeroBytes(seed * 1_000 + i + 1, SESSION_RECORD_BYTES))

/** A test-only contract that calls the Ledger and bubbles its revert; compiled here so it never ships. */
const FORWARDER_SOURCE = `// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice Test-only: calls target with data, so a test can reach the Ledger through a contract.
contract Forwarder {
    function forward(address target, bytes calldata data) external {
        (bool ok, bytes memory reason) = target.call(data);
        // Re-raise the callee's revert data unchanged, so the test sees the Ledger's custom error.
        if (!ok) assembly ("memory-safe") { revert(add(reason, 32), mload(reason)) }
    }
}
`

function compileForwarder(): { abi: Abi; bytecode: Hex } {
  const solc = createRequire(import.meta.url)('solc') as { compile: (input: string) => string }
  const input = {
    language: 'Solidity',
    sources: { 'Forwarder.sol': { content: FORWARDER_SOURCE } },
    settings: {
      evmVersion: DEFAULT_EVM_VERSION,
      outputSelection: { '*': { Forwarder: ['abi', 'evm.bytecode.object'] } },
    },
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[]
    contracts: { 'Forwarder.sol': { Forwarder: { abi: Abi; evm: { bytecode: { object: string } } } } }
  }
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
  const { abi, evm } = output.contracts['Forwarder.sol'].Forwarder
  return { abi, bytecode: `0x${evm.bytecode.object}` }
}

async function submitSessionsAndGetInput(records: Uint8Array[]) {
  const { publicClient } = clients()
  const hash = await submitSessionBatch(await wallet(0), { ledger, records })
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  expect(receipt.status).toBe('success')
  const [event] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
  return { receipt, input: event!.args }
}

const accumulatorAt = (seq: bigint) =>
  clients().publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'accumulatorAt', args: [seq] })

describe('Ledger.submitSessions', () => {
  it.each([1, 128])('appends %i session records as kind 7, accumulating block number ‖ records', async (count) => {
    const records = aSessionBatch(count, count)
    const before = await readSeq()
    const previous = await accumulatorAt(before)
    const { input, receipt } = await submitSessionsAndGetInput(records)
    const blockNumber = encodePacked(['uint64'], [receipt.blockNumber])
    expect(input).toMatchObject({ seq: before + 1n, kind: KIND_SESSION_BATCH, payload: blockNumber })
    const expected = nextAccumulator(previous, before + 1n, KIND_SESSION_BATCH, payloadOf(records, receipt.blockNumber))
    expect(input.acc).toBe(expected)
    expect(await accumulatorAt(before + 1n)).toBe(expected)
    expect(await readSeq()).toBe(before + 1n)
  })

  it('logs only the block number: no record reaches the log data', async () => {
    const records = aSessionBatch(7, 16)
    const { receipt } = await submitSessionsAndGetInput(records)
    const [log] = receipt.logs
    // acc, the payload's offset and length, and the 8-byte block number padded to one word.
    expect(size(log!.data)).toBe(4 * 32)
    const [acc, payload] = decodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes' }], log!.data)
    expect(payload).toBe(encodePacked(['uint64'], [receipt.blockNumber]))
    expect(acc).toBe(await accumulatorAt(await readSeq()))
    // No 16-byte window of any record appears anywhere in the log data.
    for (const record of records) {
      for (let offset = 0; offset + 16 <= record.length; offset += 16) {
        expect(log!.data).not.toContain(toHex(record.subarray(offset, offset + 16)).slice(2))
      }
    }
  })

  it('costs under 5,000 gas per record at 128 records: the EIP-7623 calldata floor, not execution', async () => {
    const records = aSessionBatch(128_1, 128)
    const { receipt } = await submitSessionsAndGetInput(records)
    const tx = await clients().publicClient.getTransaction({ hash: receipt.transactionHash })
    const input = hexToBytes(tx.input)
    const nonZero = input.filter((b) => b !== 0).length
    // EIP-7623: floor = 21000 + 10 * tokens, tokens = zero bytes + 4 * non-zero bytes. Paying exactly the floor
    // shows 21000 + standard calldata (4 or 16 a byte) + execution stays below it.
    expect(receipt.gasUsed).toBe(21_000n + 10n * BigInt(input.length - nonZero + 4 * nonZero))
    expect(receipt.gasUsed / 128n).toBeLessThan(5_000n)
  })

  it('error: rejects an empty batch with LedgerEmptyBatch and appends nothing', async () => {
    const before = await readSeq()
    expect(await revertOf('0x', 'submitSessions')).toMatchObject({ errorName: 'LedgerEmptyBatch' })
    expect(await readSeq()).toBe(before)
  })

  it.each([SESSION_RECORD_BYTES - 1, SESSION_RECORD_BYTES + 1])(
    'error: rejects a %i-byte batch with LedgerMisalignedBatch(length, SESSION_RECORD_BYTES)',
    async (length) => {
      const before = await readSeq()
      expect(await revertOf(toHex(nonZeroBytes(length, length)), 'submitSessions')).toMatchObject({
        errorName: 'LedgerMisalignedBatch',
        args: [BigInt(length), BigInt(SESSION_RECORD_BYTES)],
      })
      expect(await readSeq()).toBe(before)
    },
  )

  it('error: rejects 257 records with LedgerBatchTooLarge(records, max)', async () => {
    const before = await readSeq()
    const payload = recordsHex(aSessionBatch(257, MAX_RECORDS_PER_BATCH + 1))
    expect(await revertOf(payload, 'submitSessions')).toMatchObject({
      errorName: 'LedgerBatchTooLarge',
      args: [BigInt(MAX_RECORDS_PER_BATCH + 1), BigInt(MAX_RECORDS_PER_BATCH)],
    })
    expect(await readSeq()).toBe(before)
  })

  describe('only as the transaction itself', () => {
    let forwarder: { address: Address; abi: Abi }
    const callData = () =>
      encodeFunctionData({ abi: ledgerAbi, functionName: 'submitSessions', args: [recordsHex(aSessionBatch(9, 2))] })

    beforeAll(async () => {
      const { abi, bytecode } = compileForwarder()
      const deployer = await wallet(0)
      const hash = await deployer.deployContract({ abi, bytecode, chain: deployer.chain })
      const { contractAddress } = await clients().publicClient.waitForTransactionReceipt({ hash })
      forwarder = { address: getAddress(contractAddress!), abi: [...abi, ...ledgerAbi] }
    })

    it('error: rejects a call through a contract with LedgerSessionBatchNotDirect(caller)', async () => {
      const before = await readSeq()
      const { publicClient } = clients()
      const account = (await wallet(0)).account
      const call = publicClient.simulateContract({
        ...forwarder,
        functionName: 'forward',
        args: [ledger, callData()],
        account,
      })
      expect(await revertDataOf(call)).toMatchObject({
        errorName: 'LedgerSessionBatchNotDirect',
        args: [forwarder.address],
      })
      expect(await readSeq()).toBe(before)
    })

    it('error: rejects an EIP-7702 account calling from its delegated code, where msg.sender == tx.origin', async () => {
      const { publicClient, transport } = clients()
      // Anvil's dev mnemonic: a local key is needed to sign the authorization.
      const account = mnemonicToAccount('test test test test test test test test test test test junk', {
        addressIndex: 7,
      })
      const delegator = createWalletClient({ account, chain: (await wallet(0)).chain, transport })
      const authorization = await delegator.signAuthorization({ contractAddress: forwarder.address, executor: 'self' })
      const hash = await delegator.sendTransaction({
        to: (await wallet(0)).account.address,
        authorizationList: [authorization],
      })
      await publicClient.waitForTransactionReceipt({ hash })
      expect(await publicClient.getCode({ address: account.address })).toBe(
        concatHex(['0xef0100', forwarder.address.toLowerCase() as Hex]),
      )

      const before = await readSeq()
      const call = publicClient.simulateContract({
        ...forwarder,
        address: account.address,
        functionName: 'forward',
        args: [ledger, callData()],
        account: account.address,
      })
      expect(await revertDataOf(call)).toMatchObject({
        errorName: 'LedgerSessionBatchNotDirect',
        args: [account.address],
      })
      expect(await readSeq()).toBe(before)
    })
  })
})
