import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  HttpRequestError,
  InternalRpcError,
  InvalidInputRpcError,
  LimitExceededRpcError,
  MethodNotSupportedRpcError,
  RpcRequestError,
  TimeoutError,
} from 'viem'
import { describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { EnclaveTimeoutError } from '../errors/enclave'
import { isTransientError } from './isTransientError'

const url = 'http://127.0.0.1:8545'
/** `cause` as viem's simulateContract reports it: wrapped in the contract call that failed. */
const inCall = (cause: Error) =>
  new ContractFunctionExecutionError(cause as never, {
    abi: ledgerAbi,
    functionName: 'register',
    args: [],
    contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  })
const rpc = (code: number, message: string) => new RpcRequestError({ body: {}, url, error: { code, message } })

describe('isTransientError', () => {
  it.each([
    ['connection refused', new HttpRequestError({ url, details: 'fetch failed' })],
    ['HTTP 503', new HttpRequestError({ url, status: 503 })],
    ['a timeout', new TimeoutError({ body: {}, url })],
    ['limit exceeded', new LimitExceededRpcError(rpc(-32005, 'rate limited'))],
    ['a busy enclave', new EnclaveTimeoutError({ method: 'attest', timeoutMs: 1_000 })],
  ])('behavior: retries %s, also inside a contract call', (_, error) => {
    expect(isTransientError(error)).toBe(true)
    if (!(error instanceof EnclaveTimeoutError)) expect(isTransientError(inCall(error))).toBe(true)
  })

  it.each([
    [
      'a revert',
      new ContractFunctionRevertedError({ abi: ledgerAbi, functionName: 'register', message: 'invalid opcode' }),
    ],
    [
      'an internal error (hardhat: invalid opcode)',
      new InternalRpcError(rpc(-32603, 'VM Exception while processing transaction: invalid opcode')),
    ],
    ['an unsupported method', new MethodNotSupportedRpcError(rpc(-32004, 'Method eth_simulateV1 is not supported'))],
    [
      'a rejected transaction (hardhat: no funds)',
      new InvalidInputRpcError(rpc(-32000, "Sender doesn't have enough funds")),
    ],
    ['HTTP 401', new HttpRequestError({ url, status: 401 })],
    ['a plain error', new Error('boom')],
  ])('behavior: does not retry %s', (_, error) => {
    expect(isTransientError(inCall(error))).toBe(false)
  })
})
