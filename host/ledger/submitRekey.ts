/** Posts an enclave's signed rekey proposal to the Ledger. */
import type { Address, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import type { RekeyProposal } from '../../enclave-wasm/protocol'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'

/**
 * Simulates, sends and confirms `rekey`; a lost race surfaces as EpochWrongNumber, EpochMemberSetChanged or
 * EpochRekeyPending. The rekey is pending until its members' answers settle it.
 * @example
 * await submitRekey(clients, { ledger, proposal: await enclave.proposeRekey() })
 */
export async function submitRekey(
  { walletClient, publicClient }: LedgerClients,
  { ledger, proposal }: { ledger: Address; proposal: RekeyProposal },
): Promise<TransactionReceipt> {
  const { epoch, atSeq, setHash, cmdPubKey, commit, shares, proposer, signature } = proposal
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'rekey',
    args: [epoch, atSeq, setHash, cmdPubKey, commit, shares, proposer, signature],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'rekey')
}
