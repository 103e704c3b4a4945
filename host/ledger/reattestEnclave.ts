/** Renews a member's registration with fresh evidence before it expires; the wallet's account must be its operator. */
import type { Address, Hex, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { simAttestationVerifierAbi } from '../../contracts/generated/simAttestationVerifier'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'
import { TEE_TYPE_SIM } from './constants'

export type ReattestEnclaveParameters = {
  ledger: Address
  /** Evidence whose report_data binds the member's current init key (the enclave's `attest`). */
  evidence: Hex
  signer: Address
  /** The block whose hash the evidence binds. */
  anchorBlock: bigint
}

/**
 * Simulates (a policy failure throws its custom error, e.g. RegistryBindingMismatch after an init-key update the
 * enclave had not seen), sends and confirms `reattest`.
 * @example
 * await reattestEnclave(clients, { ledger, evidence, signer, anchorBlock })
 */
export async function reattestEnclave(
  { walletClient, publicClient }: LedgerClients,
  { ledger, evidence, signer, anchorBlock }: ReattestEnclaveParameters,
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: [...ledgerAbi, ...simAttestationVerifierAbi],
    functionName: 'reattest',
    args: [TEE_TYPE_SIM, evidence, signer, anchorBlock],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'reattest')
}
