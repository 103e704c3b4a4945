/** Reports two different checkpoints for one seq, which pauses the Ledger; anyone may, the evidence is what counts. */
import type { Address, Hex, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import type { Checkpoint } from '../../enclave-wasm/envelopes/checkpointTypes'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'

/** One side: a member's signed checkpoint, or (no `signer`) the checkpoint the Ledger accepted at that seq. */
export type DivergenceSide = { checkpoint: Checkpoint } & (
  | { signer: Address; signature: Hex }
  | { signer?: undefined; signature?: undefined }
)

/** The two sides, for one seq; their order only decides which is A and which is B in the event. */
export type ReportDivergenceParameters = { ledger: Address; a: DivergenceSide; b: DivergenceSide }

const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000'

/**
 * Simulates (a refusal throws its custom error, e.g. DivergenceAccumulatorMismatch), sends and confirms
 * `reportDivergence`.
 * @example
 * await reportDivergence(clients, { ledger, a: { checkpoint: accepted }, b: { checkpoint, signer, signature } })
 */
export async function reportDivergence(
  { walletClient, publicClient }: LedgerClients,
  { ledger, a, b }: ReportDivergenceParameters,
): Promise<TransactionReceipt> {
  const { request } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'reportDivergence',
    args: [evidenceOf(a), evidenceOf(b)],
    account: walletClient.account,
  })
  return confirmTransaction(publicClient, await walletClient.writeContract(request), 'reportDivergence')
}

/** The Ledger's CheckpointEvidence: address(0) and no signature stand for the accepted checkpoint. */
const evidenceOf = ({ checkpoint, signer, signature }: DivergenceSide) => ({
  checkpoint,
  signer: signer ?? ZERO_ADDRESS,
  signature: signature ?? '0x',
})
