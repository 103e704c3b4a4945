/** Errors of the local chain process and of talking to a chain. */
import { AnonifyError } from './base'

/** The anvil binary from `@foundry-rs/anvil` could not be found or started. */
export class AnvilStartError extends AnonifyError {
  override name = 'AnvilStartError' as const
  constructor({ details, cause }: { details: string; cause?: unknown }) {
    super('The local chain (anvil) did not start.', {
      metaMessages: ['Run `npm ci` so the @foundry-rs/anvil package and its platform binary are installed.'],
      details,
      cause,
    })
  }
}

/** The RPC endpoint did not answer or answered for an unexpected chain. */
export class ChainUnreachableError extends AnonifyError {
  override name = 'ChainUnreachableError' as const
  constructor({ rpcUrl, cause }: { rpcUrl: string; cause?: unknown }) {
    super(`No chain answers at ${rpcUrl}.`, {
      metaMessages: ['Check that the node is running and that --rpc points at its HTTP JSON-RPC endpoint.'],
      cause,
    })
  }
}
