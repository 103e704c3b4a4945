import { ledgerAbi } from '../../../contracts/generated/ledger'
import type { Deployment } from '../../deployment/parseDeployment'
import type { LedgerClients } from '../../ledger/confirmTransaction'

/** The chain's pending rekey (epoch 0 when none is): epoch, its input, …, the block from which it may be settled. */
export function readPendingRekey({ publicClient }: LedgerClients, deployment: Deployment) {
  return publicClient.readContract({
    address: deployment.contracts.ledger,
    abi: ledgerAbi,
    functionName: 'pendingRekey',
  })
}
