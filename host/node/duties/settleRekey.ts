/**
 * Settling a pending rekey on its block timeout, for the members that are away (closed browser tabs never answer).
 * Another member, or the deciding ack, may settle it first: that is a lost race, not an error.
 */
import { LedgerTransactionError } from '../../errors/ledger'
import { submitRekeySettle } from '../../ledger/submitRekeySettle'
import type { Duty, DutyContext } from './dutyContext'
import { readPendingRekey } from './readPendingRekey'
import { tolerateRace } from './tolerateRace'

export function createSettleRekey({ clients, deployment, onEvent, follow }: DutyContext): Duty {
  const ledger = deployment.contracts.ledger
  return async (status) => {
    if (status.pendingEpoch === undefined) return status
    const [[epoch, rekeySeq, , , , settleableAt], head] = await Promise.all([
      readPendingRekey(clients, deployment),
      clients.publicClient.getBlockNumber(),
    ])
    if (epoch === 0n || head < settleableAt) return status
    await tolerateRace(onEvent, 'settleRekey', async () => {
      try {
        await submitRekeySettle(clients, { ledger, epoch, rekeySeq })
      } catch (error) {
        // Every online member settles at the same block: one whose transaction lands after another's reverts on
        // chain, past the simulation. That rekey is then no longer pending, which is all this member wanted.
        const [stillPending, stillSeq] = await readPendingRekey(clients, deployment)
        if (!(error instanceof LedgerTransactionError) || (stillPending === epoch && stillSeq === rekeySeq)) throw error
        onEvent?.({ type: 'raceLost', action: 'settleRekey', errorName: 'EpochNoPendingRekey' })
        return
      }
      onEvent?.({ type: 'rekeySettled', epoch })
    })
    return follow()
  }
}
