import { decodeAbiParameters, type AbiParameter, type DecodeAbiParametersReturnType } from 'viem'
import type { LedgerInput } from '../../protocol'
import { InputRejectedError } from './inputRejectedError'

/** Decodes `input`'s payload as `types`; a payload that does not decode cannot have come from the Ledger. */
export function decodeInput<const types extends readonly AbiParameter[]>(
  input: LedgerInput,
  types: types,
): DecodeAbiParametersReturnType<types> {
  try {
    return decodeAbiParameters(types, input.payload)
  } catch {
    throw new InputRejectedError(`input ${input.seq} of kind ${input.kind} is malformed`)
  }
}
