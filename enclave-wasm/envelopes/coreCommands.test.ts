import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { decodeCoreCommand, encodeCoreCommand, MAX_U128, type CoreCommand } from './coreCommands'

const alice: Address = '0x00000000000000000000000000000000000a11ce'
const bob: Address = '0xffffffffffffffffffffffffffffffffffffb0b0'
const MAX_U64 = 2n ** 64n - 1n

describe('core commands', () => {
  it('decode what they encode for every op, at the edges of u64 and u128', () => {
    const commands: CoreCommand[] = [
      { op: 'init' },
      { op: 'endSession' },
      { op: 'startSession', sessionKey: `0x${'ab'.repeat(32)}`, expiresBlock: MAX_U64 },
      ...[0n, 1n, 2n ** 32n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 96n + 7n, MAX_U128].flatMap((amount): CoreCommand[] => [
        { op: 'mint', to: bob, amount },
        { op: 'transfer', to: bob, amount },
        { op: 'approve', spender: bob, amount },
        { op: 'transferFrom', from: bob, to: alice, amount },
        { op: 'burn', amount },
      ]),
    ]
    for (const nonce of [0n, 2n ** 32n - 1n, 2n ** 32n, MAX_U64])
      for (const command of commands)
        expect(decodeCoreCommand(encodeCoreCommand(alice, nonce, command))).toEqual({ caller: alice, nonce, command })
  })

  it('error: decode nothing from a truncated or extended command', () => {
    const bytes = encodeCoreCommand(alice, 5n, { op: 'transfer', to: bob, amount: 60n })
    expect(decodeCoreCommand(bytes.subarray(0, bytes.byteLength - 1))).toBeUndefined()
    expect(decodeCoreCommand(new Uint8Array([...bytes, 0]))).toBeUndefined()
    expect(decodeCoreCommand(bytes.subarray(0, 29))).toBeUndefined()
  })
})
