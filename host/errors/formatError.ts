/** One readable text for any error shown to a person: Anonify's remedy, a revert's name and args, or the root cause. */
import { BaseError, ContractFunctionRevertedError } from 'viem'
import { AnonifyError } from './base'

/** Formats `error`; `multiline` keeps an AnonifyError's remedy and details on their own lines (terminals). */
export function formatError(error: unknown, { multiline = false }: { multiline?: boolean } = {}): string {
  if (error instanceof AnonifyError)
    return multiline ? error.message : [error.shortMessage, ...error.metaMessages].join(' ')
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError)
    if (revert instanceof ContractFunctionRevertedError && revert.data)
      return `${revert.data.errorName}(${(revert.data.args ?? []).map(String).join(', ')})`
    // viem names the JSON-RPC code ("Missing or invalid parameters." for -32000); the node's own words say why.
    const { shortMessage, details } = error
    return details && !shortMessage.includes(details) ? `${shortMessage.split('\n')[0]} ${details}` : shortMessage
  }
  return error instanceof Error ? error.message : String(error)
}
