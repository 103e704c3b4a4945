/** Init-key rotation: after opening an epoch's share, the member replaces the init key it was sealed to. */
import { submitInitKeyUpdate } from '../../ledger/submitInitKeyUpdate'
import type { Duty, DutyContext } from './dutyContext'
import { tolerateRace } from './tolerateRace'

export function createRotateInitKey({ enclave, clients, deployment, onEvent, save, follow }: DutyContext): Duty {
  return async (status) => {
    if (!status.initKeyRotationDue) return status
    const update = await enclave.rotateInitKey()
    // The pending init key is sealed before the chain can seal a share to it.
    await save()
    await tolerateRace(onEvent, 'updateInitKey', async () => {
      await submitInitKeyUpdate(clients, { ledger: deployment.contracts.ledger, update })
      onEvent?.({ type: 'initKeyRotated', epoch: status.epoch })
    })
    return follow()
  }
}
