/** Posts a member enclave's signed answer to the pending rekey to the Ledger. */
import type { Address, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import type { RekeyAnswer } from '../../enclave-wasm/protocol'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'

/**
 * Simulates, sends and confirms `acknowledgeRekey` or `complainRekey`, as the enclave decided; a rekey that settled
 * or was voided meanwhile surfaces as EpochNoPendingRekey.
 * @example
 * await submitRekeyAnswer(clients, { ledger, answer: await enclave.answerRekey() })
 */
export async function submitRekeyAnswer(
  { walletClient, publicClient }: LedgerClients,
  { ledger, answer }: { ledger: Address; answer: RekeyAnswer },
): Promise<TransactionReceipt> {
  const functionName = answer.ack ? 'acknowledgeRekey' : 'complainRekey'
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName,
    args: [answer.epoch, answer.rekeySeq, answer.signer, answer.signature],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), functionName)
}
