/** Errors of the local chain process and of talking to a chain. */
import { DEFAULT_EVM_VERSION } from '../../contracts/generated/evmVersions'
import { AnonifyError } from './base'

/** A local chain (anvil from `@foundry-rs/anvil`, hardhat's node) could not be found or started. */
export class ChainStartError extends AnonifyError {
  override name = 'ChainStartError' as const
  constructor({
    name,
    packageName,
    details,
    cause,
  }: { name: string; packageName: string; details: string; cause?: unknown }) {
    super(`The local chain (${name}) did not start.`, {
      metaMessages: [
        `The details say why; if ${packageName} is missing, \`npm ci\` installs it and its platform binary.`,
      ],
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

/** The chain lacks an opcode of the EVM version the contracts were compiled for: its fork is older. `deployed`: already on it. */
export class EvmVersionMismatchError extends AnonifyError {
  override name = 'EvmVersionMismatchError' as const
  constructor({
    evmVersion,
    opcode,
    rpcUrl,
    deployed,
  }: { evmVersion: string; opcode: string; rpcUrl: string; deployed: boolean }) {
    // PUSH0 is the oldest opcode any compilation uses: a chain without it predates every supported fork.
    const remedy =
      opcode === 'PUSH0'
        ? 'Use a chain at the Shanghai fork or later: Anonify does not support older ones.'
        : `${deployed ? 'Redeploy' : 'Deploy'} with --evm-version ${DEFAULT_EVM_VERSION}, which runs on every supported chain: anonify deploy --rpc ${rpcUrl} --evm-version ${DEFAULT_EVM_VERSION}`
    super(
      `The contracts compiled for ${evmVersion} cannot run on the chain at ${rpcUrl}: it is at an older fork, where ${opcode} is an invalid opcode.`,
      {
        metaMessages: [remedy],
      },
    )
  }
}

/** The RPC endpoint serves another chain than the deployment's. */
export class WrongChainError extends AnonifyError {
  override name = 'WrongChainError' as const
  constructor({ rpcUrl, chainId, expectedChainId }: { rpcUrl: string; chainId: number; expectedChainId: number }) {
    super(`The RPC at ${rpcUrl} serves chain ${chainId}, but the deployment is on chain ${expectedChainId}.`, {
      metaMessages: [
        "Point --rpc at an endpoint of the deployment's chain, or deploy to this chain and use that deployment file.",
      ],
    })
  }
}
