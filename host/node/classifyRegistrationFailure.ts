/** Decides what a failed registration means: a race to follow, a transient failure to retry, or a cause to stop on. */
import {
  BaseError,
  ContractFunctionRevertedError,
  MethodNotFoundRpcError,
  MethodNotSupportedRpcError,
  type PublicClient,
} from 'viem'
import { findMissingOpcode } from '../chain/findMissingOpcode'
import { isTransientError } from '../chain/isTransientError'
import type { Deployment } from '../deployment/parseDeployment'
import { AnonifyError } from '../errors/base'
import { EvmVersionMismatchError } from '../errors/chain'
import { formatError } from '../errors/formatError'
import { RegistrationFailedError } from '../errors/ledger'

export type RegistrationFailure =
  /** This enclave's registration already landed (a restart re-sent it): the next sync shows it. */
  { kind: 'race'; errorName: string } | { kind: 'transient' } | { kind: 'fatal'; error: RegistrationFailedError }

export type ClassifyRegistrationFailureParameters = {
  publicClient: PublicClient
  deployment: Pick<Deployment, 'evmVersion'>
  /** The endpoint the node uses, for the messages. */
  rpcUrl: string
}

/** What to do about the registry's custom errors that a retry cannot clear. */
const REMEDIES: Record<string, string> = {
  RegistryMeasurementNotAllowed:
    "The deployment does not allow this build's enclave: deploy with this build (anonify deploy), or have governance allow its measurement.",
  RegistryNoVerifier: 'The deployment has no verifier for this TEE type: deploy again with anonify deploy.',
  SimVerifierNotOnTestChain: 'The SIM verifier accepts simulated enclaves on test chains (31337, 1337) only.',
}
const SAME_ANSWER = 'Retrying sends the same request and meets the same answer: fix the cause above.'

/**
 * Classifies `error` from one registration attempt. Unnamed failures (a bare revert, an RPC error) are checked
 * against the chain's opcodes, since an opcode the chain lacks is phrased differently by every node.
 * @example
 * const failure = await classifyRegistrationFailure(error, { publicClient, deployment, rpcUrl })
 */
export async function classifyRegistrationFailure(
  error: unknown,
  { publicClient, deployment, rpcUrl }: ClassifyRegistrationFailureParameters,
): Promise<RegistrationFailure> {
  if (isTransientError(error)) return { kind: 'transient' }
  const revert = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null
  const errorName = revert instanceof ContractFunctionRevertedError ? revert.data?.errorName : undefined
  if (errorName === 'RegistryAlreadyRegistered') return { kind: 'race', errorName }
  // The anchor block aged past its window between reading and sending: the next attempt binds a fresh one.
  if (errorName === 'RegistryStaleAnchor') return { kind: 'transient' }
  if (errorName) return fatal(error, REMEDIES[errorName] ?? SAME_ANSWER)
  if (error instanceof AnonifyError) return fatal(error)

  let opcode: string | undefined
  try {
    opcode = await findMissingOpcode(publicClient, deployment.evmVersion)
  } catch (probeError) {
    if (isTransientError(probeError)) return { kind: 'transient' }
    throw probeError
  }
  if (opcode)
    return fatal(new EvmVersionMismatchError({ evmVersion: deployment.evmVersion, opcode, rpcUrl, deployed: true }))
  const unsupported =
    error instanceof BaseError &&
    error.walk((e) => e instanceof MethodNotFoundRpcError || e instanceof MethodNotSupportedRpcError)
  return fatal(
    error,
    unsupported
      ? 'The RPC endpoint does not serve a method the node needs: use a full EVM JSON-RPC endpoint.'
      : SAME_ANSWER,
  )
}

/** An Anonify error keeps its own remedy; anything else gets `remedy`. */
function fatal(error: unknown, remedy?: string): RegistrationFailure {
  const reason = error instanceof AnonifyError ? error.shortMessage : formatError(error)
  const remedies = remedy ? [remedy] : error instanceof AnonifyError ? error.metaMessages : []
  return { kind: 'fatal', error: new RegistrationFailedError({ reason, remedies, cause: error }) }
}
