/** Deploys the SIM attestation verifier pinned to the simulated root CA (test chains only). */
import { getAddress, type Address } from 'viem'
import {
  simAttestationVerifierAbi,
  simAttestationVerifierBytecode,
} from '../../contracts/generated/simAttestationVerifier'
import { SIM_ROOT_CA_ADDRESS } from '../../enclave-wasm/platform/sim/simRootCa'
import { ContractDeploymentError } from '../errors/ledger'
import type { LedgerClients } from './confirmTransaction'

/**
 * Deploys a SimAttestationVerifier trusting `rootCa` (the simulated root CA by default).
 * @example
 * const verifier = await deploySimVerifier(clients)
 */
export async function deploySimVerifier(
  { walletClient, publicClient }: LedgerClients,
  { rootCa = SIM_ROOT_CA_ADDRESS }: { rootCa?: Address | undefined } = {},
): Promise<Address> {
  const hash = await walletClient.deployContract({
    abi: simAttestationVerifierAbi,
    bytecode: simAttestationVerifierBytecode,
    args: [rootCa],
    chain: walletClient.chain ?? null,
  })
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || !receipt.contractAddress)
    throw new ContractDeploymentError({ contract: 'SimAttestationVerifier', hash })
  return getAddress(receipt.contractAddress)
}
