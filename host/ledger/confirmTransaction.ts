/** Waits for a sent transaction and turns a mined revert into an error that names the call. */
import type { Account, Chain, Hash, PublicClient, TransactionReceipt, Transport, WalletClient } from 'viem'
import { LedgerTransactionError } from '../errors/ledger'

/** The wallet that signs and the client that reads, for every Ledger write action (see createLedgerClients). */
export type LedgerClients = {
  walletClient: WalletClient<Transport, Chain, Account>
  publicClient: PublicClient
}

/** Resolves to the receipt once `hash` is mined; throws `LedgerTransactionError` if it reverted. */
export async function confirmTransaction(
  publicClient: PublicClient,
  hash: Hash,
  functionName: string,
): Promise<TransactionReceipt> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new LedgerTransactionError({ functionName, hash })
  return receipt
}
