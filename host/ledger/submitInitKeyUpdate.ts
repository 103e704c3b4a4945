/** Posts an enclave's signed init-key replacement to the Ledger. */
import type { Address, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import type { InitKeyUpdate } from '../../enclave-wasm/protocol'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'

/**
 * Simulates, sends and confirms `updateInitKey`.
 * @example
 * await submitInitKeyUpdate(clients, { ledger, update: await enclave.rotateInitKey() })
 */
export async function submitInitKeyUpdate(
  { walletClient, publicClient }: LedgerClients,
  { ledger, update }: { ledger: Address; update: InitKeyUpdate },
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'updateInitKey',
    args: [update.signer, update.initKey, update.signature],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'updateInitKey')
}
