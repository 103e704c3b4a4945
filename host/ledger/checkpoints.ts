/** The Ledger's checkpoints: the latest accepted one, and asking the members for one now. */
import type { Address, Hex, PublicClient, TransactionReceipt } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { confirmTransaction, type LedgerClients } from './confirmTransaction'

export type AcceptedCheckpoint = { seq: bigint; block: bigint; signers: Address[]; stateRoot: Hex; snapshotHash: Hex }

/**
 * The latest checkpoint the Ledger accepted, or undefined before the first.
 * @example
 * const latest = await readLatestCheckpoint(publicClient, { ledger, fromBlock: deployment.deployBlock })
 */
export async function readLatestCheckpoint(
  publicClient: PublicClient,
  { ledger, fromBlock }: { ledger: Address; fromBlock: bigint },
): Promise<AcceptedCheckpoint | undefined> {
  const seq = await publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'latestCheckpointSeq' })
  if (seq === 0n) return undefined
  const [event] = await publicClient.getContractEvents({
    address: ledger,
    abi: ledgerAbi,
    eventName: 'CheckpointAccepted',
    args: { seq },
    fromBlock,
  })
  const { checkpoint, signers } = event?.args ?? {}
  if (!event || !checkpoint || !signers) return undefined
  return {
    seq,
    block: event.blockNumber,
    signers: [...signers],
    stateRoot: checkpoint.stateRoot,
    snapshotHash: checkpoint.snapshotHash,
  }
}

/**
 * Asks every member to checkpoint at a new input (governance, or the operator of an active member); returns its seq.
 * @example
 * const { seq } = await requestCheckpoint(operatorClients, { ledger })
 */
export async function requestCheckpoint(
  { walletClient, publicClient }: LedgerClients,
  { ledger }: { ledger: Address },
): Promise<{ seq: bigint; receipt: TransactionReceipt }> {
  const { request, result } = await publicClient.simulateContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'requestCheckpoint',
    account: walletClient.account,
  })
  const receipt = await confirmTransaction(publicClient, await walletClient.writeContract(request), 'requestCheckpoint')
  return { seq: result, receipt }
}
