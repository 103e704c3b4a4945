/** Re-attestation: a member renews its registration in the last fifth of the TTL, so the group outlives it. */
import { isAddressEqual, type Address } from 'viem'
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { reattestEnclave } from '../../ledger/reattestEnclave'
import { attestNow } from './attestNow'
import type { Duty, DutyContext } from './dutyContext'
import { tolerateRace } from './tolerateRace'

/** A member re-attests once less than 1/REATTEST_FRACTION of the attestation TTL is left: the last fifth. */
const REATTEST_FRACTION = 5n

export function createReattest({ enclave, clients, deployment, onEvent, follow }: DutyContext): Duty {
  const read = { address: deployment.contracts.ledger, abi: ledgerAbi } as const
  // The chain's expiry of the current signer's registration, read once per signer and after each re-attestation.
  let registration: { signer: Address; expiresAt: bigint; ttlSeconds: bigint } | undefined

  /** Whether `signer`'s registration is in the last fifth of its TTL (or past it), by the chain's latest block time. */
  async function due(signer: Address): Promise<boolean> {
    if (!registration || !isAddressEqual(registration.signer, signer)) {
      const [enclaveOf, ttlSeconds] = await Promise.all([
        clients.publicClient.readContract({ ...read, functionName: 'enclaveOf', args: [signer] }),
        clients.publicClient.readContract({ ...read, functionName: 'attestationTtlSeconds' }),
      ])
      if (!enclaveOf.active) return false
      registration = { signer, expiresAt: enclaveOf.expiresAt, ttlSeconds }
    }
    // Block time, not this machine's clock: expiry is judged by the chain, and a test chain's clock can jump.
    const { timestamp } = await clients.publicClient.getBlock({ blockTag: 'latest' })
    return registration.expiresAt - timestamp <= registration.ttlSeconds / REATTEST_FRACTION
  }

  return async (status) => {
    const signer = status.signer
    if (!status.member || !signer || !(await due(signer))) return status
    // The evidence binds the init key the chain lists for this member.
    await tolerateRace(onEvent, 'reattest', async () => {
      const attested = await attestNow(enclave, clients)
      await reattestEnclave(clients, {
        ledger: deployment.contracts.ledger,
        evidence: attested.evidence,
        signer,
        anchorBlock: attested.anchorBlock,
      })
      registration = undefined
      const { expiresAt } = await clients.publicClient.readContract({
        ...read,
        functionName: 'enclaveOf',
        args: [signer],
      })
      onEvent?.({ type: 'reattested', signer, expiresAt })
    })
    return follow()
  }
}
