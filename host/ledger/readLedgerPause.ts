/** Reads whether the Ledger is paused by a recorded divergence (Ledger.paused). */
import type { Address, PublicClient } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'

/** `seq` is the position two checkpoints disagree on; 0n while not paused. */
export type LedgerPause = { paused: boolean; seq: bigint }

/**
 * Reads the pause at the head, not at a final block: what a batch posted now meets is the latest state.
 * @example
 * const { paused, seq } = await readLedgerPause(publicClient, { ledger })
 */
export async function readLedgerPause(
  publicClient: PublicClient,
  { ledger }: { ledger: Address },
): Promise<LedgerPause> {
  const [paused, seq] = await publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'paused' })
  return { paused, seq }
}
