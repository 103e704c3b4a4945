/** Validators for command-line option values: each rejection names the option and the expected form. */
import { EVM_VERSIONS, type EvmVersion } from '../../contracts/generated/evmVersions'
import { isEvmVersion } from '../../host/deployment/parseDeployment'
import { AnonifyError } from '../../host/errors/base'

/** An option value is malformed. */
export class InvalidOptionError extends AnonifyError {
  override name = 'InvalidOptionError' as const
  constructor({ option, expected, value }: { option: string; expected: string; value: string }) {
    super(`--${option} must be ${expected}, got "${value}".`)
  }
}

/** Parses an integer option within [min, max]; `undefined` when absent. */
export function integerOption(
  option: string,
  value: string | boolean | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined
  const text = String(value)
  const number = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(number) || number < min || number > max)
    throw new InvalidOptionError({ option, expected: `an integer from ${min} to ${max}`, value: text })
  return number
}

/** Parses an http(s) URL option; `undefined` when absent. */
export function urlOption(option: string, value: string | boolean | undefined): string | undefined {
  if (value === undefined) return undefined
  const text = String(value)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InvalidOptionError({ option, expected: 'an http(s) URL', value: text })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidOptionError({ option, expected: 'an http(s) URL', value: text })
  return text
}

/** Parses an EVM version option (the compilation to deploy); `undefined` when absent. */
export function evmVersionOption(option: string, value: string | boolean | undefined): EvmVersion | undefined {
  if (value === undefined) return undefined
  if (!isEvmVersion(value))
    throw new InvalidOptionError({ option, expected: `one of ${EVM_VERSIONS.join(', ')}`, value: String(value) })
  return value
}

/** Reads a string option, or `fallback` when absent. */
export function stringOption(value: string | boolean | undefined, fallback: string): string {
  return typeof value === 'string' ? value : fallback
}
