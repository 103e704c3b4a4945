import { BaseError, ContractFunctionRevertedError } from 'viem'
import { LedgerTransactionError } from '../../errors/ledger'
import type { MemberNodeEvent } from '../memberNodeEvent'

/** Runs `action`; a revert means another member got there first, which the next sync will show. */
export async function tolerateRace(
  onEvent: ((event: MemberNodeEvent) => void) | undefined,
  action: string,
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run()
  } catch (error) {
    // Refused in simulation, or mined and reverted: another member's transaction landed first in between.
    if (error instanceof LedgerTransactionError) {
      onEvent?.({ type: 'raceLost', action, errorName: 'reverted on chain' })
      return
    }
    const revert =
      error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : undefined
    if (!(revert instanceof ContractFunctionRevertedError)) throw error
    onEvent?.({ type: 'raceLost', action, errorName: revert.data?.errorName ?? 'unknown' })
  }
}
