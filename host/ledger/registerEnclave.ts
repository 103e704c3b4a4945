/** Registers an attested enclave with the Ledger's registry; the wallet's account becomes its operator. */
import type { Address, Hex, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { simAttestationVerifierAbi } from '../../contracts/generated/simAttestationVerifier'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'
import { TEE_TYPE_SIM } from './constants'

export type RegisterEnclaveParameters = {
  ledger: Address
  evidence: Hex
  signer: Address
  initKey: Hex
  /** The block whose hash the evidence binds. */
  anchorBlock: bigint
}

/**
 * Simulates (a policy failure throws its custom error, e.g. RegistryStaleAnchor), sends and confirms `register`.
 * @example
 * await registerEnclave(clients, { ledger, evidence, signer, initKey, anchorBlock })
 */
export async function registerEnclave(
  { walletClient, publicClient }: LedgerClients,
  { ledger, evidence, signer, initKey, anchorBlock }: RegisterEnclaveParameters,
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    // The verifier's custom errors bubble up through register; its ABI lets viem name them.
    abi: [...ledgerAbi, ...simAttestationVerifierAbi],
    functionName: 'register',
    args: [TEE_TYPE_SIM, evidence, signer, initKey, anchorBlock],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'register')
}
