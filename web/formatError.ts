/** One readable line for any error the UI shows: the root cause's short message, or a revert's name and args. */
import { BaseError, ContractFunctionRevertedError } from 'viem'
import { AnonifyError } from '../host/errors/base'

/** Formats `error` for display; never returns a stack trace. */
export function formatError(error: unknown): string {
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError)
    if (revert instanceof ContractFunctionRevertedError && revert.data)
      return `${revert.data.errorName}(${(revert.data.args ?? []).map(String).join(', ')})`
    return error.shortMessage
  }
  if (error instanceof AnonifyError) return [error.shortMessage, ...error.metaMessages].join(' ')
  return error instanceof Error ? error.message : String(error)
}
