/**
 * Rekeying: when the group needs a new epoch, the designated proposer posts one its enclave built; any other holder
 * does after `fallbackBlocks`, so a proposer that is away does not stall the group. One rekey is pending at a time.
 */
import { submitRekey } from '../../ledger/submitRekey'
import type { Duty, DutyContext } from './dutyContext'
import { readPendingRekey } from './readPendingRekey'
import { tolerateRace } from './tolerateRace'

export function createProposeRekey(
  { enclave, clients, deployment, onEvent, follow }: DutyContext,
  fallbackBlocks: number,
): Duty {
  let neededSince: bigint | undefined
  return async (status) => {
    let after = status
    // A member awaiting another operator's checkpoint gets no share yet; its registration's checkpoint comes.
    const ready = !status.awaitingCheckpoint
    if (status.member && status.rekeyNeeded && ready && (status.holdsEpoch || status.epoch === 0n)) {
      const head = await clients.publicClient.getBlockNumber()
      neededSince ??= head
      // The chain may hold a rekey this enclave has not applied yet (it follows final blocks only): one at a time.
      const [chainPending] = await readPendingRekey(clients, deployment)
      if (chainPending === 0n && (status.designatedProposer || head - neededSince >= BigInt(fallbackBlocks))) {
        await tolerateRace(onEvent, 'rekey', async () => {
          await submitRekey(clients, { ledger: deployment.contracts.ledger, proposal: await enclave.proposeRekey() })
          onEvent?.({ type: 'rekeyed', epoch: status.epoch + 1n })
        })
        after = await follow()
      }
    }
    if (!after.rekeyNeeded) neededSince = undefined
    return after
  }
}
