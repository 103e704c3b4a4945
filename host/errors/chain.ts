/** Errors of the local chain process and of talking to a chain. */
import { AnonifyError } from './base'

/** A local chain (anvil from `@foundry-rs/anvil`, hardhat's node) could not be found or started. */
export class ChainStartError extends AnonifyError {
  override name = 'ChainStartError' as const
  constructor({ name, packageName, details, cause }: { name: string; packageName: string; details: string; cause?: unknown }) {
    super(`The local chain (${name}) did not start.`, {
      metaMessages: [`The details say why; if ${packageName} is missing, \`npm ci\` installs it and its platform binary.`],
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
