/** Settles the pending rekey on its timeout, for the members that are away. */
import type { Address, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'

/**
 * Simulates, sends and confirms `settleRekey(epoch, rekeySeq)`. A rekey that settled or was voided meanwhile
 * surfaces as EpochNoPendingRekey, one whose timeout has not passed as EpochRekeyNotTimedOut.
 * @example
 * await submitRekeySettle(clients, { ledger, epoch: 2n, rekeySeq: 17n })
 */
export async function submitRekeySettle(
  { walletClient, publicClient }: LedgerClients,
  { ledger, epoch, rekeySeq }: { ledger: Address; epoch: bigint; rekeySeq: bigint },
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'settleRekey',
    args: [epoch, rekeySeq],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'settleRekey')
}
