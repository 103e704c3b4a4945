/** Reads the Ledger's inputs after a sequence number, in order, and checks there is no gap. */
import {
  BaseError,
  concatBytes,
  decodeFunctionData,
  hexToBytes,
  isAddressEqual,
  LimitExceededRpcError,
  ResponseBodyTooLargeError,
  type Address,
  type Hash,
  type PublicClient,
} from 'viem'
import { nextAccumulator } from '../../enclave-wasm/envelopes/inputAccumulator'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { INPUT_KIND, type LedgerInput } from '../../enclave-wasm/protocol'
import { InputGapError, SessionBatchUnavailableError } from '../errors/ledger'
import { mapConcurrently } from './mapConcurrently'
import { readFinalBlock, type FinalityPolicy } from './readFinalBlock'

export type ReadInputsParameters = {
  ledger: Address
  /** Return inputs with seq > afterSeq. */
  afterSeq: bigint
  fromBlock: bigint
  /** Read only blocks this policy counts as final (the deployment's); the head when omitted, for tools and tests. */
  finality?: FinalityPolicy | undefined
}

export type ReadInputsReturnType = {
  inputs: LedgerInput[]
  /** The last block read: once `inputs` are applied, the next read may start after it. */
  toBlock: bigint
}

export type ReadInputsErrorType = InputGapError | SessionBatchUnavailableError

/** Session batches whose transactions are fetched at once: a catch-up may hold hundreds, one RPC call each. */
const SESSION_FETCH_CONCURRENCY = 8
/** A session batch's event payload is only the uint64 block number it was sequenced in. */
const SESSION_EVENT_PAYLOAD_BYTES = 8

/**
 * Inputs after `afterSeq` from `fromBlock` up to the last final block, strictly consecutive; throws `InputGapError`
 * on a hole. Session batches (kind 7) come back with their full payload, block number ‖ records, rebuilt from their
 * transactions and checked against the logged accumulator; throws `SessionBatchUnavailableError` if that fails.
 * @example
 * const { inputs, toBlock } = await readInputs(publicClient, { ledger, afterSeq: status.seq, fromBlock: cursor })
 */
export async function readInputs(
  publicClient: PublicClient,
  parameters: ReadInputsParameters,
): Promise<ReadInputsReturnType> {
  const { ledger, afterSeq, fromBlock, finality = { confirmations: 0 } } = parameters
  // A block that is not final may still be reorged away: an input applied from it could never be taken back.
  const finalBlock = await readFinalBlock(publicClient, finality)
  if (finalBlock < fromBlock) return { inputs: [], toBlock: fromBlock - 1n }
  const { logs, toBlock } = await readInputLogs(publicClient, ledger, fromBlock, finalBlock)
  const found: { input: LedgerInput; hash: Hash }[] = []
  let expected = afterSeq + 1n
  for (const log of logs) {
    const { seq, kind, acc, payload } = log.args
    if (seq < expected) continue
    if (seq !== expected) throw new InputGapError({ expected, found: seq })
    found.push({ input: { seq, kind, acc, payload: hexToBytes(payload) }, hash: log.transactionHash })
    expected++
  }
  const inputs = await mapConcurrently(found, SESSION_FETCH_CONCURRENCY, ({ input, hash }) =>
    input.kind === INPUT_KIND.sessionBatch ? withSessionRecords(publicClient, ledger, input, hash) : input,
  )
  await checkSessionAccumulators(publicClient, ledger, inputs, found, toBlock)
  return { inputs, toBlock }
}

/**
 * The InputAppended logs of `fromBlock..toBlock`, or of a prefix of that range when the answer would be too large
 * (viem refuses bodies over 10 MiB, and RPC providers cap results or ranges): a catch-up over many full batches is
 * read in halves, the next read resuming after the returned `toBlock`, instead of failing at the same range forever.
 */
async function readInputLogs(publicClient: PublicClient, ledger: Address, fromBlock: bigint, toBlock: bigint) {
  try {
    const logs = await publicClient.getContractEvents({
      address: ledger,
      abi: ledgerAbi,
      eventName: 'InputAppended',
      fromBlock,
      toBlock,
      strict: true,
    })
    return { logs, toBlock }
  } catch (error) {
    const tooLarge =
      error instanceof BaseError &&
      error.walk((e) => e instanceof ResponseBodyTooLargeError || e instanceof LimitExceededRpcError) !== null
    if (!tooLarge || fromBlock === toBlock) throw error
    return readInputLogs(publicClient, ledger, fromBlock, fromBlock + (toBlock - fromBlock) / 2n)
  }
}

/** The session batch `input` with its payload completed by the records of transaction `hash`. */
async function withSessionRecords(
  publicClient: PublicClient,
  ledger: Address,
  input: LedgerInput,
  hash: Hash,
): Promise<LedgerInput> {
  const fail = (problem: string, cause?: unknown) =>
    new SessionBatchUnavailableError({ seq: input.seq, hash, problem, cause })
  if (input.payload.byteLength !== SESSION_EVENT_PAYLOAD_BYTES)
    throw fail(`its event payload is ${input.payload.byteLength} bytes, not the block number`)
  const transaction = await publicClient.getTransaction({ hash }).catch((cause: unknown) => {
    throw fail('the transaction could not be fetched', cause)
  })
  // The Ledger only accepts direct calls, so the records are this transaction's input and nowhere else.
  if (!transaction.to || !isAddressEqual(transaction.to, ledger))
    throw fail(`it was sent to ${transaction.to ?? 'no address'}, not the Ledger`)
  let call: ReturnType<typeof decodeFunctionData<typeof ledgerAbi>>
  try {
    call = decodeFunctionData({ abi: ledgerAbi, data: transaction.input })
  } catch (cause) {
    throw fail('its input is not a Ledger call', cause)
  }
  if (call.functionName !== 'submitSessions') throw fail(`its input calls ${call.functionName}, not submitSessions`)
  return { ...input, payload: concatBytes([input.payload, hexToBytes(call.args[0])]) }
}

/**
 * Checks that each rebuilt session payload folds into its logged accumulator, given the input before it (the
 * previous log, or the contract's stored accumulator for the first one). Catches a transaction that is not the one
 * the Ledger hashed before the enclave sees it; the enclave still recomputes the whole chain itself.
 */
async function checkSessionAccumulators(
  publicClient: PublicClient,
  ledger: Address,
  inputs: readonly LedgerInput[],
  found: readonly { hash: Hash }[],
  toBlock: bigint,
): Promise<void> {
  for (const [index, input] of inputs.entries()) {
    if (input.kind !== INPUT_KIND.sessionBatch) continue
    const previous =
      index > 0
        ? inputs[index - 1]!.acc
        : await publicClient.readContract({
            address: ledger,
            abi: ledgerAbi,
            functionName: 'accumulatorAt',
            args: [input.seq - 1n],
            blockNumber: toBlock,
          })
    if (nextAccumulator(previous, input.seq, input.kind, input.payload) !== input.acc.toLowerCase()) {
      throw new SessionBatchUnavailableError({
        seq: input.seq,
        hash: found[index]!.hash,
        problem: 'its records do not match the logged accumulator',
      })
    }
  }
}
