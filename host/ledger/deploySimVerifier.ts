/** Deploys the SIM attestation verifier pinned to the simulated root CA (test chains only). */
import { getAddress, type Address } from 'viem'
import { DEFAULT_EVM_VERSION, type EvmVersion } from '../../contracts/generated/evmVersions'
import {
  simAttestationVerifierAbi,
  simAttestationVerifierBytecode,
} from '../../contracts/generated/simAttestationVerifier'
import { SIM_ROOT_CA_ADDRESS } from '../../enclave-wasm/platform/sim/simRootCa'
import { ContractDeploymentError } from '../errors/ledger'
import type { LedgerClients } from './confirmTransaction'

export type DeploySimVerifierParameters = {
  /** Which compilation to deploy (default: the oldest): the chain must run this EVM version or a later one. */
  evmVersion?: EvmVersion | undefined
  /** The root CA it trusts; the simulated one by default. */
  rootCa?: Address | undefined
}

/**
 * Deploys a SimAttestationVerifier trusting `rootCa`.
 * @example
 * const verifier = await deploySimVerifier(clients)
 */
export async function deploySimVerifier(
  { walletClient, publicClient }: LedgerClients,
  { evmVersion = DEFAULT_EVM_VERSION, rootCa = SIM_ROOT_CA_ADDRESS }: DeploySimVerifierParameters = {},
): Promise<Address> {
  const hash = await walletClient.deployContract({
    abi: simAttestationVerifierAbi,
    bytecode: simAttestationVerifierBytecode[evmVersion],
    args: [rootCa],
    chain: walletClient.chain ?? null,
  })
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || !receipt.contractAddress)
    throw new ContractDeploymentError({ contract: 'SimAttestationVerifier', hash, evmVersion })
  return getAddress(receipt.contractAddress)
}
