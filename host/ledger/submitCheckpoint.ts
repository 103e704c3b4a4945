/** Submits a checkpoint the members signed; anyone may, the signatures are what the Ledger checks. */
import type { Address, Hex, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import type { Checkpoint } from '../../enclave-wasm/envelopes/checkpointTypes'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'

export type SubmitCheckpointParameters = {
  ledger: Address
  checkpoint: Checkpoint
  /** Each signing member with its EIP-712 signature; sent in ascending signer order, as the Ledger requires. */
  signatures: readonly { signer: Address; signature: Hex }[]
}

/**
 * Simulates (a refusal throws its custom error, e.g. CheckpointTooFewSignatures), sends and confirms `checkpoint`.
 * @example
 * await submitCheckpoint(clients, { ledger, checkpoint, signatures })
 */
export async function submitCheckpoint(
  { walletClient, publicClient }: LedgerClients,
  { ledger, checkpoint, signatures }: SubmitCheckpointParameters,
): Promise<TransactionReceipt> {
  const sorted = [...signatures].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1))
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'checkpoint',
    args: [checkpoint, sorted.map((s) => s.signer), sorted.map((s) => s.signature)],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'checkpoint')
}
