/**
 * Token units as people type and read them: two decimals, thousands grouped, zero, negatives, exponents, excess
 * decimals and u128 overflow refused with a message that names the problem.
 */
import { hexToBigInt, keccak256, toHex, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { MAX_U128 } from '../../enclave-wasm/envelopes/coreCommands'
import { formatTokenAmount, InvalidAmountError, parseTokenAmount, TOKEN_DECIMALS } from './tokenUnits'

/** Deterministic amounts in [1, MAX_U128], each of a different magnitude (a keccak chain from a fixed seed). */
function seededAmounts(seed: string, count: number): bigint[] {
  let state: Hex = keccak256(toHex(seed))
  return Array.from({ length: count }, (_, i) => {
    state = keccak256(state)
    // Spread over every size from 1 bit to 128 bits, so small, fractional and huge amounts all occur.
    const bits = BigInt((i % 128) + 1)
    const amount = hexToBigInt(state) & ((1n << bits) - 1n)
    return amount === 0n ? 1n : amount
  })
}

/** The error `parseTokenAmount(text)` throws, so its name and message can be asserted. */
function refusal(text: string): InvalidAmountError {
  try {
    parseTokenAmount(text)
  } catch (error) {
    return error as InvalidAmountError
  }
  throw new Error(`parseTokenAmount(${JSON.stringify(text)}) did not throw`)
}

describe('parseTokenAmount', () => {
  it.each([
    ['60', 6000n],
    ['12.5', 1250n],
    ['12.50', 1250n],
    ['1,234.56', 123456n],
    [' 7 ', 700n],
    ['0.01', 1n],
    ['007', 700n],
  ])('parses %j into %s base units', (text, expected) => {
    expect(TOKEN_DECIMALS).toBe(2)
    expect(parseTokenAmount(text)).toBe(expected)
  })

  it('accepts the largest amount the core can hold', () => {
    expect(parseTokenAmount(formatTokenAmount(MAX_U128))).toBe(MAX_U128)
    expect(parseTokenAmount(formatTokenAmount(MAX_U128, { grouped: false }))).toBe(MAX_U128)
  })

  const tooLarge = formatTokenAmount(MAX_U128 + 1n, { grouped: false })
  it.each([
    ['', /use digits, a decimal point and commas only between thousands/],
    ['   ', /use digits, a decimal point and commas only between thousands/],
    ['0', /must be more than zero/],
    ['0.00', /must be more than zero/],
    ['-1', /use digits, a decimal point and commas only between thousands/],
    ['1e3', /use digits, a decimal point and commas only between thousands/],
    ['1.234', /ANON has 2 decimals/],
    ['0.001', /ANON has 2 decimals/],
    ['abc', /use digits, a decimal point and commas only between thousands/],
    ['1.2.3', /use digits, a decimal point and commas only between thousands/],
    ['.5', /use digits, a decimal point and commas only between thousands/],
    ['0x10', /use digits, a decimal point and commas only between thousands/],
    // A comma as a decimal mark would otherwise multiply the amount by 10 or 100.
    ['1,5', /commas only between thousands/],
    ['1,50', /commas only between thousands/],
    [',5', /commas only between thousands/],
    ['1,,200', /commas only between thousands/],
    [tooLarge, /larger than the token can hold/],
  ])('error: refuses %j, naming the problem', (text, problem) => {
    const error = refusal(text)
    expect(error).toBeInstanceOf(InvalidAmountError)
    expect(error.name).toBe('InvalidAmountError')
    // The message quotes what the person typed, untrimmed, names the problem, and says what to write instead.
    expect(error.shortMessage.startsWith(`"${text}" is not a valid amount: `)).toBe(true)
    expect(error.shortMessage).toMatch(problem)
    expect(error.metaMessages).toEqual(['Write a positive number of ANON with at most 2 decimals, e.g. 60 or 12.50.'])
  })
})

describe('formatTokenAmount', () => {
  it.each([
    [123450n, '1,234.5'],
    [4000n, '40'],
    [5n, '0.05'],
    [0n, '0'],
    [100n, '1'],
    [123456789n, '1,234,567.89'],
  ])('formats %s base units as %j', (amount, expected) => {
    expect(formatTokenAmount(amount)).toBe(expected)
  })

  it('args: grouped: false leaves the thousands ungrouped', () => {
    expect(formatTokenAmount(123450n, { grouped: false })).toBe('1234.5')
    expect(formatTokenAmount(123456789n, { grouped: false })).toBe('1234567.89')
  })

  it('round-trips through parseTokenAmount for 512 seeded amounts, grouped and not', () => {
    const amounts = seededAmounts('tokenUnits round trip', 512)
    expect(new Set(amounts).size).toBeGreaterThan(500)
    expect(amounts.some((a) => a > 10n ** 30n)).toBe(true)
    expect(amounts.some((a) => a % 100n !== 0n && a < 100n)).toBe(true)
    for (const amount of amounts) {
      expect(parseTokenAmount(formatTokenAmount(amount)), `${amount}`).toBe(amount)
      expect(parseTokenAmount(formatTokenAmount(amount, { grouped: false })), `${amount}`).toBe(amount)
    }
  })
})
