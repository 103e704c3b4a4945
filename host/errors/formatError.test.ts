import { InvalidInputRpcError, RpcRequestError } from 'viem'
import { describe, expect, it } from 'vitest'
import { formatError } from './formatError'

describe('formatError', () => {
  it("behavior: an RPC error shows the node's own words after viem's name for the code", () => {
    // hardhat answers -32000 for a transaction it rejects; viem alone says only "Missing or invalid parameters."
    const error = new InvalidInputRpcError(
      new RpcRequestError({
        body: {},
        url: 'http://127.0.0.1:8545',
        error: { code: -32000, message: "Sender doesn't have enough funds to send tx." },
      }),
    )
    expect(formatError(error)).toBe("Missing or invalid parameters. Sender doesn't have enough funds to send tx.")
  })
})
