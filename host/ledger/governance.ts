/** Governance actions (GOVERNOR_ROLE): verifiers, measurements, member removal, rekeys, the issuer grant, resume. */
import type { Address, Hex, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'

/**
 * Sets the verifier of `teeType`.
 * @example
 * await setVerifier(clients, { ledger, teeType: TEE_TYPE_SIM, verifier })
 */
export async function setVerifier(
  { walletClient, publicClient }: LedgerClients,
  { ledger, teeType, verifier }: { ledger: Address; teeType: Hex; verifier: Address },
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'setVerifier',
    args: [teeType, verifier],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'setVerifier')
}

/**
 * Allows enclaves with `measurement` to register.
 * @example
 * await allowMeasurement(clients, { ledger, measurement: manifest.measurement })
 */
export async function allowMeasurement(
  { walletClient, publicClient }: LedgerClients,
  { ledger, measurement }: { ledger: Address; measurement: Hex },
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'allowMeasurement',
    args: [measurement],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'allowMeasurement')
}

/**
 * Removes an enclave from the group; the remaining members rotate the epoch.
 * @example
 * await removeEnclave(clients, { ledger, signer })
 */
export async function removeEnclave(
  { walletClient, publicClient }: LedgerClients,
  { ledger, signer }: { ledger: Address; signer: Address },
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'removeEnclave',
    args: [signer],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'removeEnclave')
}

/**
 * Asks the members for a new epoch now (rotation on demand).
 * @example
 * await requestRekey(clients, { ledger })
 */
export async function requestRekey(
  { walletClient, publicClient }: LedgerClients,
  { ledger }: { ledger: Address },
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'requestRekey',
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'requestRekey')
}

/**
 * Grants the identity app's KYC issuer role to `issuer`, replacing any earlier issuer. The enclaves apply it from the
 * input stream; only GOVERNOR_ROLE may call it.
 * @example
 * await grantIdentityIssuer(clients, { ledger, issuer })
 */
export async function grantIdentityIssuer(
  { walletClient, publicClient }: LedgerClients,
  { ledger, issuer }: { ledger: Address; issuer: Address },
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'grantIdentityIssuer',
    args: [issuer],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'grantIdentityIssuer')
}

/**
 * Resumes command intake and checkpoints after a recorded divergence; refused with LedgerNotPaused when not paused.
 * @example
 * await resumeLedger(clients, { ledger })
 */
export async function resumeLedger(
  { walletClient, publicClient }: LedgerClients,
  { ledger }: { ledger: Address },
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'resume',
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'resume')
}
