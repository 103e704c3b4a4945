/**
 * The confidential token's units. The core counts whole base units (u128); people write and read amounts with
 * TOKEN_DECIMALS decimals, in the web app and the CLI alike.
 */
import { formatUnits, parseUnits } from 'viem'
import { MAX_U128 } from '../../enclave-wasm/envelopes/coreCommands'
import { AnonifyError } from '../errors/base'

export const TOKEN_SYMBOL = 'ANON'
export const TOKEN_DECIMALS = 2

/** An amount a person typed is not a positive number of tokens the core can hold. */
export class InvalidAmountError extends AnonifyError {
  override name = 'InvalidAmountError' as const
  constructor({ value, problem }: { value: string; problem: string }) {
    super(`"${value}" is not a valid amount: ${problem}.`, {
      metaMessages: [
        `Write a positive number of ${TOKEN_SYMBOL} with at most ${TOKEN_DECIMALS} decimals, e.g. 60 or 12.50.`,
      ],
    })
  }
}

/**
 * Parses "1,234.5" or "60" into base units; refuses zero, negatives, exponents, excess decimals and overflow.
 * @example
 * parseTokenAmount('12.50') // 1250n
 */
export function parseTokenAmount(text: string): bigint {
  const trimmed = text.trim()
  // Commas only as thousands separators: "1,5" must not silently become 15.
  if (!/^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/.test(trimmed))
    throw new InvalidAmountError({
      value: text,
      problem: 'use digits, a decimal point and commas only between thousands',
    })
  const value = trimmed.replaceAll(',', '')
  const fraction = value.split('.')[1] ?? ''
  if (fraction.length > TOKEN_DECIMALS)
    throw new InvalidAmountError({ value: text, problem: `${TOKEN_SYMBOL} has ${TOKEN_DECIMALS} decimals` })
  const amount = parseUnits(value, TOKEN_DECIMALS)
  if (amount === 0n) throw new InvalidAmountError({ value: text, problem: 'it must be more than zero' })
  if (amount > MAX_U128) throw new InvalidAmountError({ value: text, problem: 'it is larger than the token can hold' })
  return amount
}

/**
 * Formats base units for people: thousands grouped, trailing zero decimals dropped ("1,234.5", "40").
 * @example
 * formatTokenAmount(123450n) // "1,234.5"
 */
export function formatTokenAmount(amount: bigint, { grouped = true }: { grouped?: boolean } = {}): string {
  const [whole = '0', fraction] = formatUnits(amount, TOKEN_DECIMALS).split('.')
  const wholeText = grouped ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole
  return fraction ? `${wholeText}.${fraction}` : wholeText
}
